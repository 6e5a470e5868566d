"""``empathic experiment`` (ingest, list, analyze) and ``empathic bandit`` (recommend, update, replay)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from empathic.cli.options import JsonOpt, split_list
from empathic.cli.render import out, print_json
from empathic.cli.safe import terminal_safe
from empathic.errors import ExperimentDataError
from empathic.types import BanditKind, ExperimentResult

experiment_app = typer.Typer(help="Read A/B tests honestly: lifts with CIs, Bayesian and sequential, SRM check.")
bandit_app = typer.Typer(help="Thompson-sampling bandits over narrative variants, per segment.")

# optional here: `experiment analyze --data FILE` needs no workspace
WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", envvar="EMPATHIC_WORKSPACE", help="Workspace folder.")
]
VariantOpt = Annotated[str | None, typer.Option("--variant-col", help="Column with the arm of each row.")]
ControlOpt = Annotated[str | None, typer.Option("--control", help="Value of the control arm.")]
MetricsOpt = Annotated[str | None, typer.Option("--metrics", help="Comma-separated metric columns.")]
BinaryOpt = Annotated[str | None, typer.Option("--binary", help="Comma-separated metrics that are 0/1 (proportions).")]
PreOpt = Annotated[str | None, typer.Option("--pre-col", help="Pre-period covariate column (switches on CUPED).")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="csv or parquet (default: from the file name).")]


def _weights(value: str | None) -> dict[str, float] | None:
    if not value:
        return None
    out_: dict[str, float] = {}
    for item in split_list(value):
        arm, _, w = item.rpartition("=")
        try:
            out_[arm] = float(w)
        except ValueError:
            raise ExperimentDataError(
                f"Cannot read the weight {item!r}.", hint="Write planned shares as arm=weight, e.g. control=1,b=1."
            ) from None
    return out_


def _need(**named: object) -> None:
    missing = [f"--{k.replace('_', '-')}" for k, v in named.items() if not v]
    if missing:
        raise ExperimentDataError(f"Missing option(s): {', '.join(missing)}.", hint="See --help for the usage.")


def _f(x: float, fmt: str = "{:.4g}") -> str:
    return "–" if x != x else fmt.format(x)


def render_experiment(r: ExperimentResult, json_out: bool) -> None:
    if json_out:
        print_json(r.to_dict())
        return
    t = Table(title=f"Experiment {r.experiment} (control {r.control}, {r.correction} correction)")
    cols = ("metric", "variant", "n", "mean [95% CI]", "lift", "rel. lift [CI]", "p (adj.)", "P(beat)", "always-valid")
    for c in cols:
        t.add_column(c, justify="left" if c in ("metric", "variant") else "right")
    for x in r.results:
        if x.status == "control":
            t.add_row(x.metric, x.variant, f"{x.n:,}", f"{_f(x.mean)} [{_f(x.ci_low)}, {_f(x.ci_high)}]", "control")
            continue
        if x.status != "ok":
            t.add_row(x.metric, x.variant, f"{x.n:,}", _f(x.mean), x.status.value)
            continue
        t.add_row(
            x.metric,
            x.variant,
            f"{x.n:,}",
            f"{_f(x.mean)} [{_f(x.ci_low)}, {_f(x.ci_high)}]",
            f"{x.abs_lift:+.4g}" + (" (CUPED)" if x.cuped else ""),
            f"{x.rel_lift:+.1%} [{x.rel_lift_ci[0]:+.1%}, {x.rel_lift_ci[1]:+.1%}]"
            if x.rel_lift == x.rel_lift
            else "–",
            f"{x.p_value:.3g} ({_f(x.p_value_adjusted, '{:.3g}')})",
            f"{x.chance_to_beat_control:.1%}",
            f"[{x.cs_low:+.4g}, {x.cs_high:+.4g}]",
        )
    out.print(t)
    verdict = ("OK", "") if r.srm_ok else ("MISMATCH: do not trust these lifts", "bold red")
    out.print(Text.assemble(f"Sample ratio check: chi² = {_f(r.srm_chi2)}, p = {_f(r.srm_p_value)} → ", verdict))


@experiment_app.command("list")
def list_cmd(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """The experiments stored in a workspace: control, metrics and units per arm."""
    from empathic.workspace import Workspace

    _need(workspace=workspace)
    assert workspace
    with Workspace(workspace) as ws:
        listing = ws.experiments()
    if json_out:
        print_json({"experiments": [x.to_dict() for x in listing]})
        return
    if not listing:
        out.print("No experiments stored. Add one with: empathic experiment ingest FILE -w WORKSPACE ...")
        return
    t = Table(title=f"Experiments in {workspace}")
    for c in ("experiment", "control", "metrics", "units per arm"):
        t.add_column(c)
    for x in listing:
        units = ", ".join(f"{arm} {n:,}" for arm, n in x.units.items()) or "no data"
        t.add_row(x.spec.name, x.spec.control, ", ".join(x.spec.metrics), units)
    out.print(t)


@experiment_app.command("analyze")
def analyze_cmd(
    workspace: WorkspaceOpt = None,
    experiment: Annotated[str | None, typer.Option("--experiment", help="Stored experiment to read.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="CSV, CSV.gz or Parquet, one row per unit.")] = None,
    variant_col: VariantOpt = None,
    control: ControlOpt = None,
    metrics: MetricsOpt = None,
    binary: BinaryOpt = None,
    pre_col: PreOpt = None,
    fmt: FormatOpt = None,
    weights: Annotated[str | None, typer.Option("--weights", help="Planned shares, e.g. control=1,b=1.")] = None,
    alpha: Annotated[float, typer.Option(help="1 - confidence level.")] = 0.05,
    correction: Annotated[str, typer.Option(help="holm, bh or none (across variants, per metric).")] = "holm",
    seed: Annotated[int, typer.Option(help="Seed of the Bayesian Monte Carlo.")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Per arm and metric: n, mean, CI, lift with CI, p-value, chance to beat control, always-valid CI, SRM."""
    from empathic.experiment.runner import analyze_file
    from empathic.workspace import Workspace

    options = {"alpha": alpha, "correction": correction, "seed": seed}
    if data is not None:
        _need(variant_col=variant_col, control=control, metrics=metrics)
        assert variant_col and control
        result = analyze_file(
            data,
            variant_col=variant_col,
            control=control,
            metrics=split_list(metrics),
            binary=split_list(binary),
            pre_col=pre_col,
            fmt=fmt,
            weights=_weights(weights),
            **options,
        )
    else:
        _need(workspace=workspace, experiment=experiment)
        assert workspace and experiment
        if binary:
            options["binary"] = split_list(binary)
        if metrics:
            options["metrics"] = split_list(metrics)
        with Workspace(workspace) as ws:
            result = ws.experiment(experiment, **options)
    render_experiment(result, json_out)


@experiment_app.command("ingest")
def ingest_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, CSV.gz or Parquet.")],
    workspace: WorkspaceOpt = None,
    experiment: Annotated[str | None, typer.Option("--experiment", help="Experiment name.")] = None,
    experiment_col: Annotated[
        str | None, typer.Option("--experiment-col", help="Column naming the experiment of each arm row.")
    ] = None,
    variant_col: VariantOpt = None,
    control: ControlOpt = None,
    metrics: MetricsOpt = None,
    binary: BinaryOpt = None,
    pre_col: PreOpt = None,
    unit_col: Annotated[str | None, typer.Option("--unit-col", help="Unit id column: store unit rows.")] = None,
    n_col: Annotated[
        str | None, typer.Option("--n-col", help="Rows are aggregated arms: this column holds the units.")
    ] = None,
    fmt: FormatOpt = None,
    weights: Annotated[str | None, typer.Option("--weights", help="Planned shares, e.g. control=1,b=1.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Store an experiment in the workspace: unit rows, a streamed file, or one aggregated row per arm."""
    from empathic.workspace import Workspace

    _need(workspace=workspace, variant_col=variant_col, control=control, metrics=metrics)
    assert workspace and variant_col and control
    with Workspace(workspace) as ws:
        summary = ws.experiment_ingest(
            file,
            variant_col=variant_col,
            control=control,
            metrics=split_list(metrics),
            experiment=experiment,
            experiment_col=experiment_col,
            binary=split_list(binary),
            pre_col=pre_col,
            unit_col=unit_col,
            n_col=n_col,
            fmt=fmt,
            weights=_weights(weights),
        )
    if json_out:
        print_json(summary.to_dict())
    else:
        out.print(
            f"Stored {', '.join(summary.experiments)} from {file.name} ({summary.mode}, {summary.rows:,} rows); "
            f"arms: {', '.join(f'{a} {n:,}' for a, n in summary.arms.items())}"
        )


BanditOpt = Annotated[str, typer.Option("--bandit", help="Bandit name.")]
SegmentOpt = Annotated[str, typer.Option("--segment", help="Audience segment (each has its own posterior).")]


@bandit_app.command("recommend")
def recommend_cmd(
    bandit: BanditOpt,
    segment: SegmentOpt = "all",
    workspace: WorkspaceOpt = None,
    arms: Annotated[str | None, typer.Option("--arms", help="Comma-separated arms (creates them).")] = None,
    kind: Annotated[BanditKind, typer.Option("--kind", help="Reward model.")] = BanditKind.BERNOULLI,
    seed: Annotated[int | None, typer.Option(help="Seed for a reproducible draw (tests).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The variant to show now in a segment (Thompson sampling on the stored rewards)."""
    from empathic.workspace import Workspace

    _need(workspace=workspace)
    assert workspace
    with Workspace(workspace) as ws:
        rec = ws.bandit_recommend(bandit, segment, arms=split_list(arms) or None, kind=kind, seed=seed)
    if json_out:
        print_json(rec.to_dict())
        return
    t = Table(title=Text.assemble(terminal_safe(f"{bandit} / {segment}: show "), (terminal_safe(rec.arm), "bold")))
    for c in ("arm", "shown", "reward mean", "P(best)"):
        t.add_column(c, justify="left" if c == "arm" else "right")
    for a, s in rec.state.arms.items():
        t.add_row(a, f"{s.n:,}", _f(s.mean), f"{rec.prob_best[a]:.1%}")
    out.print(t)


@bandit_app.command("update")
def update_cmd(
    bandit: BanditOpt,
    arm: Annotated[str, typer.Option("--arm", help="The arm that was shown.")],
    reward: Annotated[float, typer.Option("--reward", help="Its reward (0/1 for bernoulli).")],
    segment: SegmentOpt = "all",
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record the reward of an arm that was shown."""
    from empathic.workspace import Workspace

    _need(workspace=workspace)
    assert workspace
    with Workspace(workspace) as ws:
        state = ws.bandit_update(bandit, segment, arm, reward)
    if json_out:
        print_json(state.to_dict())
    else:
        s = state.arms[arm]
        out.print(f"{bandit} / {segment} / {arm}: {s.n:,} rewards, mean {_f(s.mean)}")


@bandit_app.command("replay")
def replay_cmd(
    data: Annotated[Path, typer.Option("--data", help="Log of uniformly random decisions (CSV/Parquet).")],
    arm_col: Annotated[str, typer.Option("--arm-col", help="Column with the arm shown.")],
    reward_col: Annotated[str, typer.Option("--reward-col", help="Column with the reward.")],
    segment_col: Annotated[str | None, typer.Option("--segment-col", help="Column with the segment.")] = None,
    kind: Annotated[BanditKind, typer.Option("--kind", help="Reward model.")] = BanditKind.BERNOULLI,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    policies: Annotated[
        str, typer.Option("--policies", help="Comma-separated bandit policies (`empathic backends` lists them).")
    ] = "thompson,uniform",
    json_out: JsonOpt = False,
) -> None:
    """Offline replay (Li et al. 2011): the chosen policies (Thompson sampling, uniform) and every fixed arm."""
    from empathic.experiment.runner import replay_file

    results = replay_file(
        data,
        arm_col=arm_col,
        reward_col=reward_col,
        segment_col=segment_col,
        kind=kind,
        seed=seed,
        policies=split_list(policies),
    )
    if json_out:
        print_json({"file": str(data), "policies": [r.to_dict() for r in results]})
        return
    t = Table(title=f"Replay on {data.name} ({results[0].events:,} logged events)")
    for c in ("policy", "matched", "mean reward [95% CI]"):
        t.add_column(c, justify="left" if c == "policy" else "right")
    for r in results:
        t.add_row(r.policy, f"{r.matched:,}", f"{_f(r.mean_reward)} [{_f(r.ci_low)}, {_f(r.ci_high)}]")
    out.print(t)


def register(app: typer.Typer) -> None:
    """Add the ``experiment`` and ``bandit`` command groups to the root app."""
    app.add_typer(experiment_app, name="experiment")
    app.add_typer(bandit_app, name="bandit")
