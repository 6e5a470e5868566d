"""The mirror report section: does the audience echo the emotion it is shown?"""

from __future__ import annotations

from empathic.report.cell_charts import heatmap
from empathic.report.charts import bar_chart
from empathic.report.page import ReportContext, Section, default_note, esc

GROUPS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")


def mirror(ctx: ReportContext) -> Section | None:
    shown = ctx.mirror()
    if shown is None:
        return None
    r = shown.value
    if r.status == "no_pairs" or r.items < 2:
        return None
    verdict = (
        "Responses echo the emotion of what they answer more than chance would."
        if r.ci_low > 0
        else "No echo beyond chance could be shown: the confidence interval includes zero."
    )
    lead = (
        f"{r.items:,} content items with {r.responses:,} responses. Emotional similarity of a response to the content "
        f"it answers: {r.mirror_similarity:.3f}, against {r.null_similarity:.3f} for a response to another item of the "
        f"same kind and channel. Lift {r.lift:+.3f} (95% CI {r.ci_low:+.3f} to {r.ci_high:+.3f}, p = {r.p_value:.3g}). "
        f"{verdict}"
    )
    rows = [g for g in GROUPS if g in r.transfer]
    html = ""
    if rows:
        matrix = [[r.transfer[g][h]["share"] for h in GROUPS] for g in rows]
        overall = [r.transfer[rows[0]][h]["overall"] for h in GROUPS]
        grid = heatmap(
            [f"{g} content ({r.by_emotion.get(g, {}).get('items', 0)})" for g in rows] + ["all responses"],
            [f"{h} response" for h in GROUPS],
            [*matrix, overall],
            title="Emotion transfer: share of responses by dominant emotion, per dominant emotion of the content",
            value_format="{:.0%}",
        )
        lifts = [(g, r.by_emotion[g]["lift"]) for g in rows if g in r.by_emotion]
        bars = bar_chart(
            [f"{g} ({r.by_emotion[g]['items']})" for g, _ in lifts],
            [v for _, v in lifts],
            title="Mirror lift by dominant emotion of the content (items)",
            value_format="{:+.3f}",
            colors=["#009E73" if v > 0 else "#D55E00" for _, v in lifts],
        )
        html = f'<div class="grid"><div>{grid}</div><div>{bars}</div></div>'
    html += (
        '<p class="note">Similarity is the cosine between 27-emotion probability vectors (neutral left out). '
        "The null reassigns responses at random across items of the same kind and channel; the CI bootstraps items. "
        f"This is an association in observational threads, not a causal effect. Details: {esc('docs/mirror.md')}.</p>"
    )
    return Section("mirror", "Mirror: emotional echo", default_note(shown) + html, lead=lead)
