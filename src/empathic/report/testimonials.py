"""The ``testimonials`` report section: the top consented testimonials per persona, explained.

Each quote shows its highlighted sentence, source id, author attributes, an incentive disclosure
where one applies, authenticity flags and one small bar per score component. Only documents that
passed the consent gate of :func:`empathic.app.relate.select_testimonials` can appear here.
"""

from __future__ import annotations

from empathic.app.relate import default_ranker
from empathic.app.relate import testimonials as rank_for
from empathic.relate.rankers import COMPONENTS
from empathic.report.page import ReportContext, Section, esc
from empathic.types import Audience, DocumentKind, RankedTestimonial, TestimonialRanking

PER_PERSONA = 3
RANK_K = 5  # each persona is ranked once per report (the narratives quote the top 5, this section shows 3)


def persona_ranking(ctx: ReportContext, audience: Audience) -> TestimonialRanking:
    """The top ``RANK_K`` consented testimonials for ``audience``, ranked once per report and shared by sections.

    Maximal marginal relevance picks greedily, so the first ``PER_PERSONA`` of this ranking are exactly what
    a ``k=PER_PERSONA`` ranking would pick.
    """
    return ctx.once(f"testimonials:{audience!r}", lambda: rank_for(ctx.store, audience, k=RANK_K))


_BAR_COLORS = {"relatability": "#0072B2", "resonance": "#009E73", "specificity": "#E69F00", "authenticity": "#CC79A7"}


def component_bars(components: dict[str, float] | object, width: int = 220) -> str:
    """A tiny inline SVG: one labelled bar per main score component (values in [0, 1]).

    >>> svg = component_bars({"relatability": 0.5, "resonance": 1.0, "specificity": 0.0, "authenticity": 1.0})
    >>> svg.startswith("<svg") and svg.count("<rect") == 8
    True
    """
    values = dict(components)  # type: ignore[call-overload]
    row, label_w, bar_w = 14, 84, width - 84 - 34
    parts = []
    for i, name in enumerate(COMPONENTS):
        v = min(max(float(values.get(name, 0.0)), 0.0), 1.0)
        y = i * row
        parts.append(
            f'<text x="0" y="{y + 10}" font-size="10" fill="#52606d">{esc(name)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="9" fill="#e4e7eb"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * v:.1f}" height="9" fill="{_BAR_COLORS[name]}">'
            f"<title>{esc(name)} {v:.2f}</title></rect>"
            f'<text x="{label_w + bar_w + 4}" y="{y + 10}" font-size="10" fill="#1f2933">{v:.2f}</text>'
        )
    height = row * len(COMPONENTS)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="score components">{"".join(parts)}</svg>'
    )


def highlighted(text: str, highlight: str) -> str:
    """``text`` escaped, with its ``highlight`` (a verbatim span) wrapped in ``<mark>``.

    >>> highlighted("Nice. <b>Dry</b> all day.", "<b>Dry</b> all day.")
    'Nice. <mark>&lt;b&gt;Dry&lt;/b&gt; all day.</mark>'
    """
    at = text.find(highlight) if highlight else -1
    if at < 0:
        return esc(text)
    end = at + len(highlight)
    return f"{esc(text[:at])}<mark>{esc(text[at:end])}</mark>{esc(text[end:])}"


def _card(r: RankedTestimonial) -> str:
    who = ", ".join(f"{k} {v}" for k, v in r.attrs.items() if k in ("age_band", "Age", "region", "customer_type"))
    meta = " · ".join(
        x
        for x in (
            f"#{esc(r.source_id)} (doc {r.doc_id}, {esc(r.kind.value)})",
            esc(r.author or "anonymous") + (f" ({esc(who)})" if who else ""),
            esc(r.product or ""),
            f"score {r.score:.2f}",
        )
        if x
    )
    notes = []
    if r.incentivised:
        notes.append("Incentivised: this customer received the product or a reward (disclose when used).")
    if r.flags:
        notes.append("Authenticity flags: " + ", ".join(r.flags) + ".")
    note_html = "".join(f'<p class="note">{esc(n)}</p>' for n in notes)
    return (
        f'<div class="tm"><blockquote class="pos">{highlighted(r.text, r.highlight)}'
        f"<footer>{meta}</footer></blockquote>{note_html}<div>{component_bars(r.components)}</div></div>"
    )


def testimonials(ctx: ReportContext) -> Section | None:
    """Top consented testimonials per persona, quotes highlighted, with sources and score components."""
    if next(iter(ctx.store.iter_documents(DocumentKind.TESTIMONIAL, batch_size=1)), None) is None:
        return None
    ranker = default_ranker(ctx.store)  # the ranker the workspace was analysed for (said in the lead)
    blocks: list[str] = []
    rankings: list[TestimonialRanking] = []
    for audience in ctx.audiences(unavailable=[Audience()]):
        ranking = persona_ranking(ctx, audience)
        rankings.append(ranking)
        if not ranking.results:
            continue
        attrs = ", ".join(f"{k}={v}" for k, v in audience.attributes.items()) or "everyone else"
        blocks.append(
            f'<h3>{esc(audience.label)}</h3><p class="note">Audience: {esc(attrs)}'
            + (f" · needs: {esc(', '.join(audience.needs[:3]))}" if audience.needs else "")
            + f'</p><div class="grid">{"".join(_card(r) for r in ranking.results[:PER_PERSONA])}</div>'
        )
    if not blocks:
        return None
    excluded = {e.doc_id: e.reason for r in rankings for e in r.excluded}
    refused = sum(1 for why in excluded.values() if why == "consent_false")
    unknown = sum(1 for why in excluded.values() if why == "consent_unknown")
    lead = (
        f"The {PER_PERSONA} best consented customer stories for each persona ({ranker} ranker): score = "
        "weighted relatability, emotional resonance, specificity and authenticity, diversified by maximal "
        f"marginal relevance; the highlighted sentence speaks most to the audience. Never shown: {refused:,} "
        f"documents whose authors declined consent and {unknown:,} with no recorded consent (including reviews)."
    )
    return Section("testimonials", "Testimonials by persona", "".join(blocks), lead=lead)
