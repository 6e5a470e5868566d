"""The ``narratives`` report section: one guarded narrative per persona, quotes highlighted with their sources.

The backend is the one asked for on the command line (``empathic report --llm``), else ``narrate.llm`` if it
runs in this process (``extractive`` by default, so the report stays fast and offline): the report never sends
customer text to a remote model unless asked. Every highlighted quote is verbatim from a consented document,
named by its source id.
"""

from __future__ import annotations

from empathic.app.narrate import narrate_for_audience
from empathic.errors import EmpathicError
from empathic.narrate import runs_locally
from empathic.report.page import ReportContext, Section, esc
from empathic.report.testimonials import RANK_K, persona_ranking
from empathic.types import DocumentKind, Narrative, NarrativeFormat

FORMAT = NarrativeFormat.AD


def marked(narrative: Narrative, labels: dict[int, str]) -> str:
    """The narrative's text escaped, each quoted span in ``<mark>`` followed by its source label.

    >>> from empathic.types import QuotedSpan
    >>> n = Narrative("Ad: “Dry <all> day” — Jo", NarrativeFormat.AD, "extractive", (QuotedSpan(3, "Dry <all> day"),))
    >>> marked(n, {3: "T003"})
    'Ad: “<mark title="source T003">Dry &lt;all&gt; day</mark>”<sup>T003</sup> — Jo'
    """
    html = esc(narrative.text)
    for q in narrative.quotes:
        span = esc(q.text)
        label = esc(labels.get(q.doc_id, f"doc {q.doc_id}"))
        wrapped = f'<mark title="source {label}">{span}</mark>'
        at = html.find(span)
        if at < 0 or html.find(wrapped) >= 0:
            continue
        end = at + len(span)
        closing = end + 1 if html[end : end + 1] in ("”", '"', "’") else end
        html = f"{html[:at]}{wrapped}{html[end:closing]}<sup>{label}</sup>{html[closing:]}"
    return html


def narratives_backend(asked: str | None, configured: str) -> tuple[str, str]:
    """The backend the report uses, and the configured one it passed over (``""`` if none).

    >>> narratives_backend(None, "openai"), narratives_backend("openai", "openai")
    (('extractive', 'openai'), ('openai', ''))
    >>> narratives_backend(None, "extractive")
    ('extractive', '')
    """
    if asked:
        return asked, ""
    return (configured, "") if runs_locally(configured) else ("extractive", configured)


def narratives(ctx: ReportContext) -> Section | None:
    """One narrative per persona, from its top consented testimonials."""
    if next(iter(ctx.store.iter_documents(DocumentKind.TESTIMONIAL, batch_size=1)), None) is None:
        return None
    audiences = ctx.audiences()
    if not audiences:
        return None
    blocks, (backend, skipped) = [], narratives_backend(ctx.llm, ctx.settings.narrate.llm)
    for audience in audiences:
        try:
            ranking = persona_ranking(ctx, audience)
            n = narrate_for_audience(
                ctx.store, audience, fmt=FORMAT, llm=backend, settings=ctx.settings.narrate, k=RANK_K, ranking=ranking
            )
        except EmpathicError as exc:
            blocks.append(f'<h3>{esc(audience.label)}</h3><p class="note">No narrative: {esc(exc.message)}</p>')
            continue
        labels = {}
        for q in n.quotes:
            doc = ctx.store.get_document(q.doc_id)
            labels[q.doc_id] = f"{doc.source}/{doc.source_id}" if doc else f"doc {q.doc_id}"
        sources = "; ".join(f"{esc(labels[q.doc_id])} (doc {q.doc_id})" for q in dict.fromkeys(n.quotes))
        flags = [
            f"{name.replace('_', ' ')}: {', '.join(map(str, n.checks[name]))}"
            for name in ("unsupported_numbers", "unsupported_claims")
            if n.checks.get(name)
        ]
        note = f"Sources: {sources}." + (f" Flagged for review: {'; '.join(flags)}." if flags else "")
        blocks.append(
            f"<h3>{esc(audience.label)}</h3>"
            f'<blockquote class="pos" style="white-space:pre-wrap">{marked(n, labels)}</blockquote>'
            f'<p class="note">{note} Backend: {esc(n.backend)}; {n.attempts} generation(s).</p>'
        )
    lead = (
        f"One {FORMAT.value} per persona, written by the {backend} backend from that persona's top consented "
        "testimonials. Highlighted text is quoted verbatim, with its source; the guards checked every quote, "
        "kept instructions hidden in customer text out of the prompt and the output, and add a disclosure line "
        "when a quoted customer was incentivised."
    )
    if skipped:
        lead += (
            f" The configured backend {skipped} was not used: unless asked on the command line "
            f"(empathic report --llm {skipped}), the report only uses a backend that runs on this machine."
        )
    return Section("narratives", "Narratives by persona", "".join(blocks), lead=lead)
