"""Predict commands: uplift (who to target) and propensity (which emotions go with recommending). Thin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from empathic.cli.options import JsonOpt, split_list
from empathic.cli.render import out, print_json
from empathic.types import Estimate, PropensityResult, UpliftResult


def _est(e: Estimate, fmt: str = "{:+.4f}") -> str:
    if e.value != e.value:
        return "–"
    ci = f" ({fmt.format(e.ci_low)} to {fmt.format(e.ci_high)})" if e.ci_low == e.ci_low else ""
    return fmt.format(e.value) + ci


def uplift(
    data: Annotated[Path, typer.Option("--data", help="CSV, TSV or Parquet file of a randomised experiment.")],
    treatment_col: Annotated[str, typer.Option("--treatment-col", help="Column with the arm of each row.")],
    control: Annotated[str, typer.Option("--control", help="Value of the control arm.")],
    outcome: Annotated[str, typer.Option("--outcome", help="0/1 outcome column, e.g. visit.")],
    treatment: Annotated[
        str | None, typer.Option("--treatment", help="Value of the treated arm (default: every other value).")
    ] = None,
    features: Annotated[
        str | None, typer.Option("--features", help="Comma-separated feature columns (default: all but outcome-like).")
    ] = None,
    method: Annotated[
        str | None, typer.Option("--method", help="Comma-separated uplift_model backends (default: three).")
    ] = None,
    test_size: Annotated[float, typer.Option(help="Share of rows held out for scoring.")] = 0.5,
    seed: Annotated[int, typer.Option(help="Seed of the split, the models and the bootstrap.")] = 42,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the CIs.")] = 1000,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Also store the result here (for the report).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Uplift models compared: Qini, AUUC and uplift@10/20/30% with bootstrap CIs on a held-out split."""
    from empathic.app.predict import DEFAULT_METHODS, UpliftParams
    from empathic.app.predict import uplift as run_uplift
    from empathic.workspace import Workspace

    params = UpliftParams(
        outcome=outcome,
        treatment_col=treatment_col,
        control=control,
        treatment=treatment,
        features=tuple(split_list(features)) or None,
        methods=tuple(split_list(method)) or DEFAULT_METHODS,
        test_size=test_size,
        seed=seed,
        n_boot=bootstrap,
    )
    if workspace is None:
        result, stored = run_uplift(data, params)
    else:
        with Workspace(workspace) as ws:
            result, stored = ws.uplift(data, params)
    render_uplift(result, json_out, stored)


def render_uplift(r: UpliftResult, json_out: bool, stored: str | None = None) -> None:
    if json_out:
        print_json(r.to_dict() | {"stored_as": stored})
        return
    out.print(
        f"{r.outcome}: {r.treatment} vs {r.control} — train {r.n_train:,}, test {r.n_test:,}; "
        f"test rates {r.treated_rate:.2%} vs {r.control_rate:.2%}, ATE {_est(r.ate)}",
        highlight=False,
    )
    if r.excluded:
        out.print(f"Left out as outcome-like: {', '.join(r.excluded)}", highlight=False)
    t = Table(title=f"Uplift methods on the test rows (95% bootstrap CIs, {r.n_boot} resamples)")
    ks = list(r.methods[0].uplift_at) if r.methods else []
    for col in ("method", "Qini", "AUUC", *(f"uplift@{k}" for k in ks)):
        t.add_column(col, justify="left" if col == "method" else "right", no_wrap=col == "method")
    for m in r.methods:
        t.add_row(m.method, _est(m.qini), _est(m.auuc), *(_est(m.uplift_at[k]) for k in ks))
    out.print(t)
    if stored:
        out.print(f"Stored as uplift result {stored!r}.", highlight=False)


def propensity(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", envvar="EMPATHIC_WORKSPACE", help="Workspace folder (made by init).")
    ] = Path("."),
    target: Annotated[
        str, typer.Option(help="0/1 attribute (e.g. 'Recommended IND') or a rule such as 'rating >= 4'.")
    ] = "Recommended IND",
    emotions: Annotated[
        str, typer.Option(help="'labels' (28), 'ekman' (6 groups) or 'auto' (labels when there is enough data).")
    ] = "auto",
    folds: Annotated[int, typer.Option(help="Cross-validation folds for the AUC.")] = 5,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the AUC CI.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Purchase propensity from emotions and text (never the rating): AUC with CI, calibration, contributions."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        result = ws.propensity(target=target, emotions=emotions, folds=folds, n_boot=bootstrap, seed=seed)
    render_propensity(result, json_out)


def render_propensity(r: PropensityResult, json_out: bool) -> None:
    if json_out:
        print_json(r.to_dict())
        return
    out.print(
        f"{r.target_rule}: {r.n:,} documents, {r.positives:,} positive. Cross-validated AUC {r.auc:.3f} "
        f"(95% CI {r.auc_ci[0]:.3f} to {r.auc_ci[1]:.3f}), Brier {r.brier:.3f} [{r.status}]",
        highlight=False,
    )
    t = Table(title="Contributions: log odds per 1 SD (95% CI); associations, not causes")
    for col in ("feature", "kind", "effect", "95% CI", "p"):
        t.add_column(col, justify="left" if col in ("feature", "kind") else "right")
    for e in r.effects[:15]:
        t.add_row(e.feature, e.kind, f"{e.coef:+.3f}", f"{e.ci_low:+.3f} to {e.ci_high:+.3f}", f"{e.p_value:.3g}")
    out.print(t)


def register(app: typer.Typer) -> None:
    for fn in (uplift, propensity):
        app.command()(fn)
