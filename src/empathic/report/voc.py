"""Voice-of-the-customer report sections: themes, design-idea backlog, key drivers, persona cards.

Themes and personas show what the user last stored (``empathic themes``, ``empathic personas``); what
was never stored is computed with the defaults, and the section says so. Needs and drivers are computed
from the stored scores. A section is left out when the workspace lacks what it needs.
"""

from __future__ import annotations

from empathic.app.voc import DriversParams, NeedsParams, drivers, needs
from empathic.errors import AnalysisError
from empathic.report.charts import bar_chart, stacked_bar_chart
from empathic.report.emotions import EKMAN, EKMAN_COLORS
from empathic.report.page import ReportContext, Section, default_note, esc
from empathic.report.sections import table
from empathic.types import DocumentKind


def _text(ctx: ReportContext, doc_id: int) -> str:
    """The document's text, or "" when it may not be quoted (a testimonial without consent)."""
    doc = ctx.store.get_document(doc_id)
    return doc.text if doc and (doc.kind is not DocumentKind.TESTIMONIAL or doc.consent is True) else ""


def _unquotable(ctx: ReportContext) -> list[str]:
    """Texts of the testimonials without consent: their sentences must not be quoted either."""
    return [d.text for d in ctx.store.iter_documents(DocumentKind.TESTIMONIAL) if d.consent is not True]


def themes(ctx: ReportContext) -> Section | None:
    shown = ctx.themes()
    if shown is None or not shown.value:
        return None
    found = shown.value
    sizes = bar_chart([t.label for t in found], [t.size for t in found], title="Themes by size (documents)")
    named = [t for t in found if t.theme_id >= 0]
    mix = stacked_bar_chart(
        [t.label for t in named],
        {g: [t.emotion_mix.get(g, 0.0) for t in named] for g in EKMAN},
        title="Emotion mix per theme (normalised)",
        normalize=True,
        colors=list(EKMAN_COLORS),
    )
    rows = [
        [
            t.label,
            ", ".join(t.keywords[:6]),
            f"{t.size:,}",
            f"{t.share:.0%}",
            f"{t.mean_rating:.2f}" if t.mean_rating is not None else "–",
            " | ".join(q[:140] for q in (_text(ctx, i) for i in t.quote_ids[:3]) if q),
        ]
        for t in found
    ]
    html = (
        default_note(shown)
        + f'<div class="grid"><div>{sizes}</div><div>{mix}</div></div>'
        + table(["theme", "keywords", "size", "share", "rating", "representative quotes"], rows, numeric={2, 3, 4})
    )
    outliers = next((t.size for t in found if t.theme_id < 0), 0)
    lead = (
        f"{len(named)} themes found by clustering sentence embeddings, labelled by distinctive keywords "
        f"(class-based TF-IDF); {outliers:,} documents fit no theme and are listed as outliers, not dropped."
    )
    return Section("themes", "Themes", html, lead=lead)


def needs_section(ctx: ReportContext) -> Section | None:
    try:
        found, backlog = needs(ctx.store, NeedsParams(top=15))
    except AnalysisError:
        return None
    if not backlog:
        return None
    blocked = _unquotable(ctx)
    rows = [
        [
            i.idea,
            i.kind.value.replace("_", " "),
            i.evidence,
            ", ".join(f"{p} ({n})" for p, n in sorted(i.products.items(), key=lambda kv: -kv[1])[:3]),
            f"{i.rating_impact:+.2f}" if i.rating_impact is not None else "–",
            " | ".join(q[:120] for q in [q for q in i.quotes if not any(q in t for t in blocked)][:2]),
        ]
        for i in backlog
    ]
    lead = (
        f"{len(found):,} sentences express a need, pain point, wish or suggestion; grouped into a backlog, "
        "most evidence first. Rating impact = mean rating of those reviews minus the overall mean."
    )
    return Section(
        "needs",
        "Needs and design ideas",
        table(["idea", "kind", "evidence", "products", "rating impact", "examples"], rows, numeric={2, 4}),
        lead=lead,
    )


def drivers_section(ctx: ReportContext) -> Section | None:
    try:
        effects = drivers(ctx.store, DriversParams(target="rating"))
    except AnalysisError:
        return None
    shown = effects[:12]
    chart = bar_chart(
        [e.feature for e in shown],
        [e.coef for e in shown],
        value_format="{:+.3f}",
        title="Effect on rating per 1 SD (emotions) or vs the largest theme (themes)",
        colors=["#009E73" if e.coef > 0 else "#D55E00" for e in shown],
    )
    rows = [
        [e.feature, f"{e.coef:+.3f}", f"{e.ci_low:+.3f} to {e.ci_high:+.3f}", f"{e.p_value:.3g}", f"{e.n:,}"]
        for e in effects
    ]
    html = (
        f'<div class="grid"><div>{chart}</div><div>{table(["feature", "effect", "95% CI", "p", "n"], rows)}</div></div>'
    )
    return Section(
        "drivers",
        "Key drivers of rating",
        html,
        lead="Regression of rating on emotions and themes (robust standard errors). Associations, not causes.",
    )


def personas(ctx: ReportContext) -> Section | None:
    shown = ctx.personas()
    if shown is None:
        return None
    found = shown.value
    cards = []
    for p in found:
        top = sorted(((k, v) for k, v in p.emotion_profile.items() if k != "neutral"), key=lambda kv: -kv[1])[:3]
        quote = _text(ctx, p.quote_ids[0])[:220] if p.quote_ids else ""
        cards.append(
            f'<div class="card"><div class="v" style="font-size:1.05rem">{esc(p.name)}</div>'
            f'<div class="k">{p.size:,} people · feels {esc(", ".join(f"{k} {v:.2f}" for k, v in top))}</div>'
            f'<p class="note">Needs: {esc(", ".join(p.top_needs[:3]) or "–")}</p>'
            f"<blockquote>{esc(quote)}</blockquote></div>"
        )
    return Section(
        "personas",
        "Personas",
        default_note(shown) + '<div class="cards">' + "".join(cards) + "</div>",
        lead="Audience segments from author attributes and their own words; "
        "`empathic personas` stores them by name for targeting.",
    )
