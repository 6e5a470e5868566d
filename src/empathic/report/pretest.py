"""Pre-test report section: each experiment's ad variants ranked by predicted click-through, with drivers.

Reads the stored ads (kind ``ad``), groups them by their ``experiment`` attribute and scores each
group with the shipped pre-test model (ONNX, no torch). Where the ads carry ``impressions`` and
``clicks``, the observed click-through rate is shown beside the prediction.
"""

from __future__ import annotations

from collections import defaultdict

from empathic.predict.pretest import DEFAULT_MODEL, get_pretest_model
from empathic.predict.pretest.base import cv_accuracy
from empathic.report.charts import bar_chart
from empathic.report.page import ReportContext, Section
from empathic.report.sections import table
from empathic.types import Document, DocumentKind

_POS, _NEG = "#009E73", "#D55E00"


def _ctr(doc: Document) -> float | None:
    try:
        n, c = float(doc.attrs["impressions"]), float(doc.attrs["clicks"])
    except (KeyError, ValueError):
        return None
    return c / n if n > 0 else None


def pretest(ctx: ReportContext) -> Section | None:
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in ctx.store.iter_documents(DocumentKind.AD):
        if doc.text.strip():
            groups[doc.attrs.get("experiment", "ads")].append(doc)
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    if not groups:
        return None
    model = get_pretest_model(DEFAULT_MODEL)
    labels: list[str] = []
    scores: list[float] = []
    rows: list[list[object]] = []
    agree = total = 0
    for experiment, docs in sorted(groups.items()):
        by_text = {d.text: d for d in docs}
        ranked = model.rank(list(by_text), top_drivers=3)
        ctrs = {t: _ctr(d) for t, d in by_text.items()}
        observed = sorted((t for t in ctrs if ctrs[t] is not None), key=lambda t: -(ctrs[t] or 0.0))
        for r in ranked:
            doc = by_text[r.text]
            variant = doc.attrs.get("variant", doc.source_id)
            labels.append(f"{experiment} · {variant}")
            scores.append(round(r.score, 3))
            ctr = ctrs[r.text]
            rows.append(
                [
                    experiment,
                    variant,
                    r.text,
                    r.rank,
                    f"{r.score:+.2f}",
                    f"{r.p_beats_best:.0%}",
                    "; ".join(f"{d.label} {d.contribution:+.2f}" for d in r.drivers),
                    f"{ctr:.2%}" if ctr is not None else "–",
                    observed.index(r.text) + 1 if r.text in observed else "–",
                ]
            )
        if len(observed) == len(ranked) and len(ranked) >= 2:
            total += 1
            agree += ranked[0].text == observed[0]
    chart = bar_chart(
        labels,
        scores,
        title="Predicted score per variant (log-odds vs an average headline)",
        value_format="{:+.2f}",
        colors=[_POS if s >= 0 else _NEG for s in scores],
    )
    html = chart + table(
        [
            "experiment",
            "variant",
            "text",
            "predicted rank",
            "score",
            "P(beats best)",
            "top drivers (log-odds)",
            "observed CTR",
            "observed rank",
        ],
        rows,
        numeric={3, 4, 5, 7, 8},
    )
    acc = cv_accuracy(model)
    note = (
        f"Model {model.name}: grouped-CV pairwise accuracy {acc:.0%} on significant Upworthy headline pairs. "
        if acc is not None
        else ""
    )
    if total:
        note += f"The predicted winner matches the observed winner in {agree} of {total} experiments. "
    lead = (
        "Variants of each experiment ranked by a model trained on Upworthy headline A/B tests. Score 0 = an "
        "average tested headline; a gap of 1 between two variants means about 73% odds that the higher one "
        "out-clicks the other. " + note + "Headlines are not ads: treat the ranking as a pre-screen, then test."
    )
    return Section("pretest", "Pre-test", html, lead=lead)
