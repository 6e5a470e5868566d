"""The emotion report section: mix by kind, trend over time, prevalence of the 27 emotions, top quotes.

Reads the scores the ``emotion`` analyser stored (label and group probabilities). Averages are
mean probabilities, i.e. the expected share of documents showing each emotion.
"""

from __future__ import annotations

from empathic.analyse.emotion.taxonomy import LABELS
from empathic.report.charts import bar_chart, line_chart, stacked_bar_chart
from empathic.report.page import ReportContext, Section, esc
from empathic.report.sections import CUSTOMER_KINDS, month_range, quotable
from empathic.types import DocumentKind

EKMAN = ("joy", "surprise", "sadness", "anger", "fear", "disgust", "neutral")
EKMAN_COLORS = ("#009E73", "#56B4E9", "#0072B2", "#D55E00", "#CC79A7", "#E69F00", "#BBBBBB")
EMOTIONS = tuple(label for label in LABELS if label != "neutral")


def _means(sums: dict[str, dict[str, tuple[int, float]]], group: str, names: tuple[str, ...]) -> list[float]:
    cells = sums.get(group, {})
    return [cells[n][1] / cells[n][0] if n in cells and cells[n][0] else 0.0 for n in names]


def emotions(ctx: ReportContext) -> Section | None:
    store = ctx.store
    names = tuple(f"ekman:{g}" for g in EKMAN)
    by_kind = store.score_sums("emotion", names, by="kind")
    if not by_kind:
        return None
    kinds = [k.value for k in DocumentKind if k.value in by_kind]
    mix = stacked_bar_chart(
        kinds,
        {g: [_means(by_kind, k, names)[i] for k in kinds] for i, g in enumerate(EKMAN)},
        title="Emotion mix by kind (Ekman groups, mean probability, normalised)",
        normalize=True,
        colors=list(EKMAN_COLORS),
    )
    by_month = store.score_sums("emotion", names[:-1], by="period")
    months = month_range(sorted(by_month))
    trend = (
        line_chart(
            months,
            {
                g: [(_means(by_month, m, (n,))[0] if m in by_month else None) for m in months]
                for g, n in zip(EKMAN[:-1], names[:-1], strict=True)
            },
            title="Emotions over time (mean probability per month, all kinds)",
            y_format="{:.2f}",
            colors=list(EKMAN_COLORS[:-1]),
        )
        if len(months) > 1
        else '<p class="note">Too few dated documents for a trend.</p>'
    )
    voice = [k.value for k in CUSTOMER_KINDS if k.value in by_kind]
    fine = store.score_sums("emotion", EMOTIONS, by="kind")
    totals = {e: sum(fine.get(k, {}).get(e, (0, 0.0))[1] for k in voice) for e in EMOTIONS}
    n_voice = sum(fine.get(k, {}).get(EMOTIONS[0], (0, 0.0))[0] for k in voice)
    ranked = sorted(EMOTIONS, key=lambda e: -totals[e])[:12]
    prevalence = (
        bar_chart(
            ranked,
            [totals[e] / n_voice for e in ranked],
            value_format="{:.1%}",
            title="Most present emotions in customer voice (mean probability)",
        )
        if n_voice
        else ""
    )
    quotes_html = _top_quotes(ctx, [e for e in ranked if e not in ("approval", "realization")][:4])
    lead = (
        f"Fine-grained emotion (GoEmotions' 27 emotions + neutral) of {n_voice:,} customer texts "
        "and the brand content they answer. Charts show mean probabilities: the expected share of texts "
        "that express each emotion."
    )
    html = (
        f'<div class="grid"><div>{mix}</div><div>{trend}</div></div>'
        f'<div class="grid"><div>{prevalence}</div><div>{quotes_html}</div></div>'
    )
    return Section("emotions", "Emotions", html, lead=lead)


def _top_quotes(ctx: ReportContext, labels: list[str]) -> str:
    parts = []
    for label in labels:
        found = []
        for kind in CUSTOMER_KINDS:
            found.extend(q for q in ctx.store.top_quotes("emotion", label, 8, kind=kind) if quotable(q))
        found.sort(key=lambda q: (-q.score, q.doc_id))
        if not found:
            continue
        items = "".join(
            f"<blockquote>{esc(q.text)}<footer>{esc(q.kind.value)} · #{esc(q.source_id)} · "
            f"{esc(label)} {q.score:.2f}</footer></blockquote>"
            for q in found[:2]
        )
        parts.append(f"<h3>{esc(label)}</h3>{items}")
    return "".join(parts)
