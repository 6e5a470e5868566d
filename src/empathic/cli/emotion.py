"""``empathic emotion ...`` and ``empathic train emotion``: score, evaluate, benchmark, train."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from empathic.cli.options import JsonOpt
from empathic.cli.render import out, print_json

emotion_app = typer.Typer(
    help="Fine-grained emotion (GoEmotions' 28 labels): score, evaluate, benchmark.", no_args_is_help=True
)
train_app = typer.Typer(
    help="Train the project's own models (fine-tuning needs the train extra).", no_args_is_help=True
)

BackendOpt = Annotated[str, typer.Option("--backend", "-b", help="Emotion model (see `empathic backends`).")]


@emotion_app.command("score")
def score(
    texts: Annotated[list[str], typer.Argument(help="One or more texts.")],
    backend: BackendOpt = "minilm-finetuned",
    json_out: JsonOpt = False,
) -> None:
    """Emotions of the given texts: labels over threshold, top 3, groups, valence, arousal."""
    from empathic.analyse.emotion.tasks import score_texts

    results = score_texts(texts, backend)
    if json_out:
        print_json({"backend": backend, "results": results})
        return
    t = Table(title=f"Emotions ({backend})")
    for col in ("text", "emotions", "top", "valence", "arousal"):
        t.add_column(col, overflow="fold")
    for r in results:
        top = ", ".join(f"{x['label']} {x['p']:.2f}" for x in r["top"])
        t.add_row(r["text"], ", ".join(r["emotions"]) or "–", top, f"{r['valence']:+.2f}", f"{r['arousal']:.2f}")
    out.print(t)


@emotion_app.command("evaluate")
def evaluate(
    data: Annotated[Path, typer.Option("--data", help="GoEmotions-format TSV: text, label ids, id.")],
    backend: BackendOpt = "minilm-finetuned",
    json_out: JsonOpt = False,
) -> None:
    """Macro/micro F1 on a labelled TSV, using the backend's shipped thresholds."""
    from empathic.analyse.emotion.tasks import evaluate_file

    result = evaluate_file(data, backend)
    if json_out:
        print_json(result)
        return
    t = Table(title=f"{backend} on {data.name} (n={result['n']:,})")
    for col in ("macro F1 (28)", "micro F1", "Ekman macro F1", "sentiment macro F1"):
        t.add_column(col, justify="right")
    t.add_row(*(f"{result[k]:.3f}" for k in ("macro_f1", "micro_f1", "ekman_macro_f1", "sentiment_macro_f1")))
    out.print(t)


@emotion_app.command("bench")
def bench(
    n: Annotated[int, typer.Option("--n", help="Number of texts.")] = 2000,
    backend: BackendOpt = "minilm-finetuned",
    data: Annotated[
        Path | None, typer.Option("--data", help="GoEmotions TSV to draw texts from (default: the bundled demo texts).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """texts/s on this machine, and the speed-up over a BERT-base-architecture encoder in the same run."""
    from empathic.analyse.emotion.tasks import bench as run_bench

    texts = _bench_texts(data, n)
    result = run_bench(texts, backend)
    if json_out:
        print_json(result)
        return
    out.print(
        f"{backend}: {result['texts_per_s']:,.0f} texts/s; BERT-base architecture: "
        f"{result['baseline_texts_per_s']:,.0f} texts/s; speed-up ×{result['speedup']:.1f} "
        f"({result['n']:,} texts, {result['threads']} threads)"
    )


def _bench_texts(data: Path | None, n: int) -> list[str]:
    if data is not None:
        from empathic.analyse.emotion.data import read_goemotions

        texts = read_goemotions(data)[0]
    else:
        import csv

        from empathic.demo import DATA_DIR

        texts = []
        for name in ("reviews.csv", "replies.csv", "testimonials.csv", "posts.csv"):
            with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
                texts.extend(r["text"] for r in csv.DictReader(f) if r["text"].strip())
    return [texts[i % len(texts)] for i in range(n)]


@train_app.command("emotion")
def train_emotion(
    data: Annotated[Path, typer.Option("--data", help="Folder with GoEmotions train.tsv and dev.tsv.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the trained model.")],
    method: Annotated[str, typer.Option(help="'finetune' (torch) or 'heads' (numpy only, frozen encoder).")] = (
        "finetune"
    ),
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    json_out: JsonOpt = False,
) -> None:
    """Train an emotion model on GoEmotions train, tune thresholds on dev, write an ONNX model + manifest."""
    import logging

    from rich.logging import RichHandler

    from empathic.cli.render import err

    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)])
    if method == "heads":
        from empathic.train.emotion import train_heads

        result = train_heads(data, out_dir, seed=seed)
    elif method == "finetune":
        from empathic.train.emotion_finetune import train_finetuned

        result = train_finetuned(data, out_dir, epochs=epochs, seed=seed)
    else:
        raise typer.BadParameter(f"method must be 'finetune' or 'heads', not {method!r}")
    if json_out:
        print_json(result)
    else:
        out.print(
            f"Model written to {out_dir}: dev macro-F1 {result['dev']['macro_f1']:.3f} "
            f"(thresholds tuned on dev; cross-fitted {result['dev_cross_fitted_macro_f1']:.3f})"
        )
