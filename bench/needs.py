"""Needs detector on the labelled review sentences: precision/recall/F1 per label, micro, any-need, confusion.

Usage: .venv/bin/python bench/needs.py [--fixture tests/fixtures/needs_sentences.tsv] [--json]

The fixture (300 sentences of the Women's Clothing reviews, labelled by one annotator; see
tests/fixtures/README.md) was drawn from reviews the rules were not developed on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from empathic.analyse.needs import LABELS, evaluate


def read_fixture(path: Path) -> tuple[list[str], list[str]]:
    """(sentences, labels) from a ``sentence<TAB>label`` file with a header line."""
    sentences, labels = [], []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        sentence, label = line.rsplit("\t", 1)
        sentences.append(sentence)
        labels.append(label)
    return sentences, labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--fixture", type=Path, default=Path(__file__).resolve().parents[1] / "tests/fixtures/needs_sentences.tsv"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = evaluate(*read_fixture(args.fixture))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['n']} sentences from {args.fixture.name}")
    print(f"{'label':12s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'n':>5s}")
    rows = [*result["per_label"].items(), ("micro", result["micro"]), ("any_need", result["any_need"])]
    for name, m in rows:
        print(f"{name:12s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")
    print("\nconfusion (rows gold, columns predicted)")
    print(" " * 12 + "".join(f"{p[:10]:>11s}" for p in LABELS))
    for g in LABELS:
        print(f"{g:12s}" + "".join(f"{result['confusion'][g][p]:11d}" for p in LABELS))


if __name__ == "__main__":
    main()
