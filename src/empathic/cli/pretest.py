"""``empathic pretest ...``, ``train pretest`` and ``train pretest-scorer``: rank, evaluate, train (thin)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.table import Table
from typer.core import TyperGroup

from empathic.cli.options import JsonOpt, split_list
from empathic.cli.render import out, print_json
from empathic.train.pretest_scorer import FFN_OUTPUTS

ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", "-m", help="Pre-test model: minilm-pairwise (default), minilm-ngram or lexicon-ngram (light)."
    ),
]


class _RankByDefault(TyperGroup):
    """``empathic pretest "A" "B"`` means ``empathic pretest rank "A" "B"``; ``evaluate`` stays a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["rank", *args]
        return super().parse_args(ctx, args)


pretest_app = typer.Typer(
    cls=_RankByDefault,
    help='Pre-test headlines and ad copy: empathic pretest "variant A" "variant B" ... [--json]; '
    "empathic pretest evaluate --data FILE.",
    no_args_is_help=True,
)


@pretest_app.command("rank")
def rank_cmd(
    texts: Annotated[list[str], typer.Argument(help="Two or more variants (headlines, ad texts, subject lines).")],
    model: ModelOpt = "minilm-pairwise",
    top: Annotated[int, typer.Option(help="Drivers to show per variant.")] = 5,
    json_out: JsonOpt = False,
) -> None:
    """Rank variants by predicted click-through (score = log-odds of out-clicking an average headline)."""
    from empathic.predict.pretest import rank

    ranked = rank(texts, model=model, top_drivers=top)
    if json_out:
        print_json(
            {
                "model": model,
                "score": "log-odds that the variant out-clicks an average Upworthy test headline (0 = average); "
                "sigmoid(score_a - score_b) = P(a out-clicks b) with the same image and audience",
                "variants": [r.to_dict() for r in ranked],
            }
        )
        return
    t = Table(title=f"Pre-test ({model}): best first")
    for col in ("rank", "variant", "score", "P(beats best)", "drivers (log-odds)"):
        t.add_column(col, overflow="fold", justify="right" if col in ("rank", "score", "P(beats best)") else "left")
    for r in ranked:
        drivers = "; ".join(f"{d.label} {d.contribution:+.2f}" for d in r.drivers)
        t.add_row(str(r.rank), r.text, f"{r.score:+.2f}", f"{r.p_beats_best:.0%}", drivers)
    out.print(t)
    out.print("score: log-odds of out-clicking an average Upworthy headline; a ranking, not a click-through rate.")


@pretest_app.command("evaluate")
def evaluate_cmd(
    data: Annotated[Path, typer.Option("--data", help="Upworthy-format packages file (.csv, .csv.gz, .parquet).")],
    model: ModelOpt = "minilm-pairwise",
    exclude_flagged: Annotated[
        bool, typer.Option(help="Drop tests from the weeks 2013-06-25..2014-01-10 flagged for randomisation problems.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Pairwise accuracy of the shipped model on the significant (|z| > 1.96) headline pairs of a file."""
    from empathic.predict.pretest import evaluate

    res = evaluate(data, model=model, exclude_flagged=exclude_flagged)
    if json_out:
        print_json(res.to_dict())
        return
    out.print(
        f"{res.model}: pairwise accuracy {res.pairwise_accuracy:.3f} (95% CI {res.ci_low:.3f}–{res.ci_high:.3f}, "
        f"bootstrap over tests) on {res.pairs:,} significant pairs from {res.tests:,} tests "
        f"({res.all_pairs:,} pairs in all)."
    )


def train_pretest_cmd(
    data: Annotated[Path, typer.Option("--data", help="Upworthy folder or packages file.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the trained model.")],
    light: Annotated[bool, typer.Option(help="Train the light model (n-grams and counts, no ONNX).")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the grouped CV folds.")] = 13,
    cache: Annotated[Path | None, typer.Option(help="Cache headline features in this .npz file.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Train the pre-test model: grouped 5-fold CV on significant pairs, then fit on all pairs; write the model."""
    import logging

    from rich.logging import RichHandler

    from empathic.cli.render import err
    from empathic.train.pretest_linear import train_pretest

    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)])
    result: dict[str, Any] = train_pretest(data, out_dir, light=light, seed=seed, cache=cache)
    if json_out:
        print_json(result)
        return
    cv = result["cv"]
    out.print(
        f"Model written to {out_dir}: grouped-CV pairwise accuracy {cv['pairwise_accuracy']:.3f} "
        f"(95% CI {cv['ci95'][0]:.3f}–{cv['ci95'][1]:.3f}) on {cv['pairs']:,} significant pairs."
    )


def train_scorer_cmd(
    data: Annotated[Path, typer.Option("--data", help="Upworthy folder or packages file.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the model (scorer.onnx, manifest, card).")],
    cv: Annotated[
        Path | None, typer.Option(help="Grouped-CV result of bench/pretest_finetune.py to record in the card.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the held-out blend tests and the int8 calibration.")] = 13,
    inner_share: Annotated[
        int, typer.Option(help="Hold out 1 test in N to pick the blend; 0: train on every test, equal weights.")
    ] = 0,
    seeds: Annotated[
        str | None, typer.Option(help="Comma-separated fine-tuning seeds (weights averaged); default: the recipe's.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Fine-tuning epochs; default: the recipe's.")] = None,
    cache: Annotated[Path | None, typer.Option(help="Cache headline features in this .npz file.")] = None,
    keep_fp32: Annotated[
        str,
        typer.Option(
            help="Regular expression of ONNX nodes the int8 export leaves in fp32 (default: the FFN output "
            "projections); '' quantises every node."
        ),
    ] = FFN_OUTPUTS,
    json_out: JsonOpt = False,
) -> None:
    """Fine-tune the pairwise MiniLM scorer, blend it with minilm-ngram, write the int8 ONNX model folder."""
    import json
    import logging

    from rich.logging import RichHandler

    from empathic.cli.render import err
    from empathic.train.pretest_scorer import FinetuneConfig, train_pairwise

    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)])
    cv_result = json.loads(cv.read_text(encoding="utf-8")) if cv else None
    cfg = FinetuneConfig(inner_share=inner_share)
    if seeds:
        cfg = replace(cfg, seeds=tuple(int(s) for s in split_list(seeds)))
    if epochs:
        cfg = replace(cfg, epochs=epochs)
    result = train_pairwise(data, out_dir, cfg=cfg, seed=seed, cache=cache, cv=cv_result, keep_fp32=keep_fp32 or None)
    if json_out:
        print_json(result)
        return
    h = result["checks"]
    out.print(f"Model written to {out_dir}: blend (int8) {h['blend_int8']:.3f} on {h['pairs']:,} pairs ({h['note']}).")


def register(app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``pretest`` to the root app and ``pretest`` / ``pretest-scorer`` to ``empathic train``."""
    app.add_typer(pretest_app, name="pretest")
    train_app.command("pretest")(train_pretest_cmd)
    train_app.command("pretest-scorer")(train_scorer_cmd)
