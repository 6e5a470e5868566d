"""Predict report sections: uplift curves per method, and purchase-propensity drivers.

Both render stored results (``empathic uplift -w``, ``empathic propensity``; the demo stores a propensity
result) and are left out when there is none. Reports are read-only: nothing is refitted here.
"""

from __future__ import annotations

from empathic.app.predict import stored_propensity, stored_uplift
from empathic.report.charts import PALETTE, line_chart
from empathic.report.forest import forest_plot
from empathic.report.page import ReportContext, Section, esc
from empathic.report.predict_charts import reliability_diagram
from empathic.report.sections import table
from empathic.types import Estimate, PropensityResult, UpliftResult


def _est(e: Estimate, fmt: str = "{:+.4f}") -> str:
    if e.value != e.value:  # NaN: not computed
        return "–"
    ci = f" ({fmt.format(e.ci_low)} to {fmt.format(e.ci_high)})" if e.ci_low == e.ci_low else ""
    return fmt.format(e.value) + ci


def _curves(r: UpliftResult, key: str, title: str) -> str:
    methods = [m for m in r.methods if m.curve.get(key)]
    if not methods:
        return ""
    share = methods[0].curve["share"]
    series = {m.method: list(m.curve[key]) for m in methods}
    end = sum(m.curve[key][-1] for m in methods) / len(methods)
    series["random targeting"] = [s * end for s in share]
    colors = [PALETTE[i % (len(PALETTE) - 1)] for i in range(len(methods))] + ["#8c8c8c"]
    return line_chart([f"{s:.0%}" for s in share], series, title=title, y_format="{:,.1f}", colors=colors)


def _uplift_block(name: str, r: UpliftResult) -> str:
    ks = list(r.methods[0].uplift_at) if r.methods else []
    rows = [
        [m.method, _est(m.qini), _est(m.auuc), *(_est(m.uplift_at[k]) for k in ks), m.status]
        for m in sorted(r.methods, key=lambda m: -(m.qini.value if m.qini.value == m.qini.value else 0))
    ]
    ate = r.ate
    lead = (
        f"<p><b>{esc(name)}</b>: {r.n_test:,} held-out rows ({esc(r.split)}); outcome rate "
        f"{r.treated_rate:.2%} treated vs {r.control_rate:.2%} control, average effect {_est(ate)}. "
        "Features: " + esc(", ".join(r.features[:12])) + ("…" if len(r.features) > 12 else "")
        + (f"; left out as outcome-like: {esc(', '.join(r.excluded))}" if r.excluded else "") + ".</p>"
    )  # fmt: skip
    grid = (
        f'<div class="grid"><div>{_curves(r, "qini", "Qini curve: incremental responders by share targeted")}</div>'
        f"<div>{_curves(r, 'uplift', 'Uplift curve by share targeted')}</div></div>"
    )
    head = ["method", "Qini coefficient", "AUUC", *(f"uplift@{k}" for k in ks), "status"]
    return lead + grid + table(head, rows)


def uplift(ctx: ReportContext) -> Section | None:
    stored = stored_uplift(ctx.store)
    if not stored:
        return None
    html = "".join(_uplift_block(name, r) for name, r in stored.items() if r.methods)
    html += (
        '<p class="note">Rows ranked by predicted uplift, highest first. Qini coefficient and AUUC: area between '
        "the curve and random targeting as a share of the perfect ranking's (0 = random; the perfect curve knows "
        "every outcome, so real models score far below 1). uplift@k: treated minus control outcome rate among the "
        "top k. 95% CIs bootstrap the held-out rows (treated and control redrawn separately) with the fitted "
        "scores fixed. Details: docs/predict.md.</p>"
    )
    lead = "Which customers change their behaviour because of the treatment — uplift models compared on held-out rows."
    return Section("uplift", "Uplift: whom to target", html, lead=lead)


def _propensity_block(name: str, r: PropensityResult) -> str:
    rule = r.target_rule or name
    made = any(op in rule for op in (">=", "<=", ">", "<", "==", "!="))
    target_text = (
        f"The target is <b>{esc(rule)}</b>, a rule set by the user (here read as “would recommend”)"
        if made
        else f"The target is the 0/1 attribute <b>{esc(rule)}</b>"
    )
    auc, ci = r.auc, r.auc_ci
    if r.status != "ok" or auc != auc:
        return f"<p>{target_text}: no model could be fitted ({esc(r.status)}).</p>"
    lead = (
        f"<p>{target_text}; the rating itself is never a feature. {r.n:,} documents, {r.positives:,} "
        f"positive. Cross-validated AUC <b>{auc:.3f}</b> (95% CI {ci[0]:.3f} to {ci[1]:.3f}; {r.folds} folds), "
        f"Brier score {r.brier:.3f}.</p>"
    )
    bins = r.calibration
    calib = reliability_diagram(
        [b.mean_predicted for b in bins],
        [b.observed for b in bins],
        [b.n for b in bins],
        [b.ci_low for b in bins],
        [b.ci_high for b in bins],
        title="Calibration (out-of-fold probabilities)",
    )
    effects = r.effects[:15]
    forest = forest_plot(
        [e.feature for e in effects],
        [e.coef for e in effects],
        [e.ci_low for e in effects],
        [e.ci_high for e in effects],
        title="Contributions: log odds per 1 SD (95% CI)",
        value_format="{:+.2f}",
    )
    return lead + f'<div class="grid"><div>{forest}</div><div>{calib}</div></div>'


def propensity(ctx: ReportContext) -> Section | None:
    stored = stored_propensity(ctx.store)
    if not stored:
        return None
    html = "".join(_propensity_block(name, r) for name, r in stored.items())
    html += (
        '<p class="note">Features: the emotion probabilities of each document — the 28 labels, or the 6 Ekman groups '
        "(neutral the reference) when the rarer class has fewer than 10 documents per feature — and text features "
        "(log counts of words, questions, exclamations, second-person words, digits, emoji). AUC from out-of-fold "
        "predictions of a standardised logistic regression, bootstrap CI over documents; contributions from a fit "
        "on all documents, Wald CIs. Associations, not causes. Details: docs/predict.md.</p>"
    )
    return Section(
        "propensity",
        "Purchase propensity: which emotions go with recommending",
        html,
        lead="Does what customers feel predict that they recommend (or buy)? Discrimination, calibration, drivers.",
    )
