"""Built-in report sections: overview, volume, sentiment, quotes, data quality.

Each is a function ``(ReportContext) -> Section | None`` registered under ``report_section``.
"""

from __future__ import annotations

import math

from empathic.report.cell_charts import donut_chart
from empathic.report.charts import bar_chart, diverging_color, line_chart, stacked_bar_chart
from empathic.report.page import ReportContext, Section, esc
from empathic.types import DocumentKind, ScoredQuote

CUSTOMER_KINDS = (DocumentKind.REVIEW, DocumentKind.COMMENT, DocumentKind.TESTIMONIAL, DocumentKind.SURVEY)
SENTIMENT_BINS = 40  # width 0.05 on [-1, 1]: bins 19 and 20 are VADER's neutral band (-0.05, 0.05)


def _cards(items: list[tuple[str, str]]) -> str:
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>' for k, v in items
        )
        + "</div>"
    )


def table(head: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def overview(ctx: ReportContext) -> Section:
    st = ctx.store.status()
    periods = ctx.store.counts_by_period()
    span = f"{periods[0].period} → {periods[-1].period}" if periods else "undated"
    vader_done = st.analysed.get("vader", 0)
    cards = _cards(
        [
            ("documents", f"{st.documents:,}"),
            ("kinds", str(len(st.by_kind))),
            ("sources", str(len(st.by_source))),
            ("period", span),
            ("sentiment analysed", f"{vader_done / st.documents:.0%}" if st.documents else "–"),
            ("quarantined rows", f"{st.quarantined:,}"),
        ]
    )
    note = ""
    if st.documents == 0:
        note = '<p class="note">The workspace is empty: add data with <code>empathic ingest FILE</code>.</p>'
    return Section("overview", "Overview", cards + note, lead="What this workspace holds.")


def month_range(months: list[str], limit: int = 240) -> list[str]:
    """Every month from the first to the last (so gaps show as zeros), unless that is too many."""
    if len(months) < 2:
        return months
    y0, m0 = map(int, months[0].split("-"))
    y1, m1 = map(int, months[-1].split("-"))
    span = (y1 - y0) * 12 + (m1 - m0) + 1
    if span > limit:
        return months
    return [f"{y0 + (m0 - 1 + i) // 12:04d}-{(m0 - 1 + i) % 12 + 1:02d}" for i in range(span)]


def volume(ctx: ReportContext) -> Section | None:
    st = ctx.store.status()
    if not st.documents:
        return None
    kinds = sorted(st.by_kind, key=lambda k: -st.by_kind[k])
    by_kind = bar_chart(kinds, [st.by_kind[k] for k in kinds], title="Documents by kind")
    periods = ctx.store.counts_by_period()
    months = month_range(sorted({p.period for p in periods}))
    series: dict[str, list[float | None]] = {}
    for k in kinds:
        counts = {p.period: p.count for p in periods if p.kind.value == k}
        if counts:
            series[k] = [float(counts.get(m, 0)) for m in months]
    over_time = (
        line_chart(months, series, title="Documents per month", y_format="{:,.0f}")
        if months
        else '<p class="note">No dates were ingested (pass --time-col to see volume over time).</p>'
    )
    return Section(
        "volume",
        "Volume",
        f'<div class="grid"><div>{by_kind}</div><div>{over_time}</div></div>',
        lead="How much was said, by whom, and when.",
    )


def _bands(hist: list[int]) -> tuple[int, int, int]:
    half = SENTIMENT_BINS // 2
    return sum(hist[: half - 1]), hist[half - 1] + hist[half], sum(hist[half + 1 :])


def sentiment(ctx: ReportContext) -> Section | None:
    store = ctx.store
    hist = store.score_histogram("vader", "compound", -1.0, 1.0, SENTIMENT_BINS)
    if not sum(hist):
        st = store.status()
        if not st.documents:
            return None
        return Section(
            "sentiment",
            "Sentiment",
            '<p class="note">No sentiment scores yet: run <code>empathic analyze</code>.</p>',
        )
    pairs = [hist[i] + hist[i + 1] for i in range(0, SENTIMENT_BINS, 2)]  # 20 bins of 0.1 for display
    edges = [-1.0 + 0.1 * i for i in range(len(pairs))]
    dist = bar_chart(
        [f"{e:+.1f}" for e in edges],
        pairs,
        horizontal=False,
        colors=[diverging_color(e + 0.05) for e in edges],
        title="Sentiment (VADER compound, bins of 0.1) across all documents",
    )
    moments = store.score_moments("vader", "compound")
    kinds = [k for k in DocumentKind if k.value in moments]
    bands = {k: _bands(store.score_histogram("vader", "compound", -1.0, 1.0, SENTIMENT_BINS, kind=k)) for k in kinds}
    stacked = stacked_bar_chart(
        [k.value for k in kinds],
        {
            "negative": [float(bands[k][0]) for k in kinds],
            "neutral": [float(bands[k][1]) for k in kinds],
            "positive": [float(bands[k][2]) for k in kinds],
        },
        title="Share negative / neutral / positive by kind",
        normalize=True,
        colors=["#D55E00", "#999999", "#009E73"],
    )
    rows = []
    for k in kinds:
        n, s, ss = moments[k.value]
        mean = s / n
        sd = math.sqrt(max(0.0, (ss - n * mean * mean) / (n - 1))) if n > 1 else 0.0
        half = 1.96 * sd / math.sqrt(n) if n > 1 else float("nan")
        neg, neu, pos = bands[k]
        rows.append(
            [
                k.value,
                f"{n:,}",
                f"{mean:+.3f}",
                f"[{mean - half:+.3f}, {mean + half:+.3f}]" if n > 1 else "–",
                f"{pos / n:.0%}",
                f"{neu / n:.0%}",
                f"{neg / n:.0%}",
            ]
        )
    kind_table = table(
        ["kind", "n", "mean compound", "95% CI", "positive", "neutral", "negative"],
        rows,
        numeric={1, 2, 4, 5, 6},
    )
    total = sum(hist)
    neg, neu, pos = _bands(hist)
    donut = donut_chart(
        ["positive", "neutral", "negative"],
        [pos, neu, neg],
        title="Overall mix",
        colors=["#009E73", "#999999", "#D55E00"],
    )
    lead = (
        f"{pos / total:.0%} of {total:,} documents read as positive and {neg / total:.0%} as negative "
        "(VADER compound ≥ 0.05 / ≤ −0.05; a lexicon model — emotion models refine this)."
    )
    return Section(
        "sentiment",
        "Sentiment",
        f'<div class="grid"><div>{dist}</div><div>{donut}</div></div>'
        f'<div class="grid"><div>{stacked}</div><div>{kind_table}</div></div>',
        lead=lead,
    )


def _quote(q: ScoredQuote, cls: str) -> str:
    who = " · ".join(esc(x) for x in (q.author, q.product, q.kind.value, f"#{q.source_id}") if x)
    return f'<blockquote class="{cls}">{esc(q.text)}<footer>{who} · compound {q.score:+.2f}</footer></blockquote>'


def quotable(q: ScoredQuote) -> bool:
    """Testimonials are quoted only with explicit consent; reviews and comments are public posts."""
    return q.kind is not DocumentKind.TESTIMONIAL or q.consent is True


def _customer_quotes(ctx: ReportContext, highest: bool) -> list[ScoredQuote]:
    n = ctx.settings.report.top_quotes
    found: list[ScoredQuote] = []
    for kind in CUSTOMER_KINDS:
        found.extend(
            q for q in ctx.store.top_quotes("vader", "compound", 4 * n, highest=highest, kind=kind) if quotable(q)
        )
    found.sort(key=lambda q: (-q.score if highest else q.score, q.doc_id))
    return found[:n]


def quotes(ctx: ReportContext) -> Section | None:
    best = _customer_quotes(ctx, True)
    worst = _customer_quotes(ctx, False)
    if not best and not worst:
        return None
    html = (
        '<div class="grid"><div><h3>Most positive</h3>'
        + "".join(_quote(q, "pos") for q in best)
        + "</div><div><h3>Most negative</h3>"
        + "".join(_quote(q, "neg") for q in worst)
        + "</div></div>"
    )
    return Section(
        "quotes",
        "Voice of the customer",
        html,
        lead="Verbatim quotes from customers (reviews, comments, surveys, and testimonials with consent), "
        "by sentiment.",
    )


def data_quality(ctx: ReportContext) -> Section | None:
    store = ctx.store
    runs = store.ingest_history()
    st = store.status()
    if not runs and not st.quarantined:
        return None
    rows = [
        [
            r.file.rsplit("/", 1)[-1],
            r.kind.value,
            r.source,
            f"{r.read:,}",
            f"{r.stored:,}",
            f"{r.skipped:,}",
            f"{r.quarantined:,}",
        ]
        for r in runs
    ]
    html = table(["file", "kind", "source", "read", "stored", "skipped", "quarantined"], rows, numeric={3, 4, 5, 6})
    if st.quarantined:
        reasons = sorted(st.quarantined_by_reason, key=lambda r: -st.quarantined_by_reason[r])
        chart = bar_chart(
            reasons,
            [st.quarantined_by_reason[r] for r in reasons],
            title="Quarantined rows by reason",
            colors="#D55E00",
        )
        html += f'<div class="grid"><div>{chart}</div><div></div></div>'
        examples = store.quarantined(limit=8)
        html += table(
            ["source", "line", "reason", "detail", "raw content"],
            [[q.source, q.row_number, q.reason.value, q.detail, q.raw[:300]] for q in examples],
        )
        html += (
            '<p class="note">Every quarantined row is kept with its raw content: '
            "<code>empathic quarantine --workspace DIR --json</code> lists them all.</p>"
        )
    return Section(
        "data_quality",
        "Data quality",
        html,
        lead="Every row read was stored, skipped as already present, or quarantined with a reason.",
    )
