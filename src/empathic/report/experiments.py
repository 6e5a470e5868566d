"""The experiments report section: per stored experiment a readout table and a forest plot of lifts."""

from __future__ import annotations

from empathic.app.experiment import experiment_from_store
from empathic.errors import ExperimentError
from empathic.report.forest import forest_plot
from empathic.report.page import ReportContext, Section, esc
from empathic.types import ExperimentResult


def _pct(x: float, fmt: str = "{:.2%}") -> str:
    return "–" if x != x else fmt.format(x)


def _table(r: ExperimentResult, binary: set[str]) -> str:
    head = ["metric", "variant", "n", "mean [95% CI]", "lift", "relative lift [95% CI]", "p", "p adj.", "P(beat)"]
    rows = []
    for x in r.results:
        mean = (
            f"{_pct(x.mean)} [{_pct(x.ci_low)}, {_pct(x.ci_high)}]"
            if x.metric in binary
            else (f"{x.mean:.4g} [{x.ci_low:.4g}, {x.ci_high:.4g}]")
        )
        if x.status == "control":
            rows.append([x.metric, f"{x.variant} (control)", f"{x.n:,}", mean, "", "", "", "", ""])
            continue
        if x.status != "ok":
            rows.append([x.metric, x.variant, f"{x.n:,}", mean, x.status.value, "", "", "", ""])
            continue
        lift = _pct(x.abs_lift, "{:+.2%}") if x.metric in binary else f"{x.abs_lift:+.4g}"
        rel = (
            f"{_pct(x.rel_lift, '{:+.1%}')} [{_pct(x.rel_lift_ci[0], '{:+.1%}')}, {_pct(x.rel_lift_ci[1], '{:+.1%}')}]"
        )
        p = f"{x.p_value:.3g}"
        rows.append(
            [x.metric, x.variant, f"{x.n:,}", mean, lift, rel, p, f"{x.p_value_adjusted:.3g}",
             _pct(x.chance_to_beat_control, "{:.1%}")]
        )  # fmt: skip
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{esc(c)}</td>' if i >= 2 else f"<td>{esc(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _chart(r: ExperimentResult) -> str:
    rows = [x for x in r.results if x.status not in ("control",)]
    labels = [f"{x.metric} · {x.variant}" for x in rows]
    # the always-valid sequence is for the absolute lift: scale it to relative terms by the control mean
    base = {x.metric: x.mean for x in r.results if x.status == "control"}
    outer_lo = [x.cs_low / base[x.metric] if base.get(x.metric) else None for x in rows]
    outer_hi = [x.cs_high / base[x.metric] if base.get(x.metric) else None for x in rows]
    return forest_plot(
        labels,
        [x.rel_lift for x in rows],
        [x.rel_lift_ci[0] for x in rows],
        [x.rel_lift_ci[1] for x in rows],
        title=f"{r.experiment}: relative lift vs {r.control}",
        outer_lows=outer_lo,
        outer_highs=outer_hi,
    )


def experiments(ctx: ReportContext) -> Section | None:
    specs = ctx.store.experiments()
    parts, results = [], []
    for spec in specs:
        stats = ctx.store.experiment_stats(spec.name)
        if spec.control not in stats or len(stats) < 2:
            continue  # nothing to compare yet
        try:
            results.append(experiment_from_store(ctx.store, spec.name))
        except ExperimentError as exc:  # one broken experiment must not hide the others
            parts.append(
                f'<h3>{esc(spec.name)}</h3><p class="note">Not analysed: {esc(exc.code)} {esc(exc.message)}</p>'
            )
    if not results and not parts:
        return None
    for r in results:
        binary = next((set(s.binary) for s in specs if s.name == r.experiment), set())
        srm = (
            ""
            if r.srm_ok
            else (
                f'<p class="note" style="color:#D55E00"><strong>Sample ratio mismatch</strong> (χ² = {r.srm_chi2:.1f}, '
                f"p = {r.srm_p_value:.2g}): the arms are not the sizes planned, so the assignment may be broken. "
                "Do not trust these lifts until the cause is found.</p>"
            )
        )
        units = ", ".join(f"{esc(a)} {n:,}" for a, n in r.units.items())
        parts.append(
            f'<h3>{esc(r.experiment)}</h3><p class="note">Units per arm: {units}. Sample ratio check '
            f"p = {r.srm_p_value:.3g}.</p>{srm}<div>{_chart(r)}</div>{_table(r, binary)}"
        )
    note = (
        '<p class="note">Proportions: two-proportion z test; means: Welch t test (CUPED when a pre-period covariate '
        "was stored). p adj.: Holm across the variants of a metric. P(beat): Bayesian chance to beat control "
        "(Beta(1, 1) or flat prior). In the charts the solid bar is the fixed-horizon 95% CI of the relative lift and "
        "the light band the always-valid confidence sequence (normal mixture) of the absolute lift divided by the "
        "control mean, safe to read at any time.</p>"
    )
    return Section(
        "experiments",
        "Experiments",
        "".join(parts) + note,
        lead=f"{len(results)} experiment readout(s): lifts against control with confidence intervals.",
    )
