"""Reading GoEmotions-format TSVs (text, comma-separated label ids, id; no header) for training and evaluation."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from empathic.analyse.emotion.taxonomy import LABELS
from empathic.errors import InputFileError


def read_goemotions(path: str | Path) -> tuple[list[str], np.ndarray]:
    """``(texts, y)`` with ``y`` a ``[n, 28]`` 0/1 matrix. Rows without a valid label are an error."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"No such file: {path}.", hint="Pass a GoEmotions-format TSV (text<TAB>labels<TAB>id).")
    texts: list[str] = []
    rows: list[list[int]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if len(row) < 2:
                raise InputFileError(f"{path.name} line {line_no}: expected text<TAB>labels, found {row!r}.")
            try:
                ids = [int(x) for x in row[1].split(",") if x]
            except ValueError:
                raise InputFileError(f"{path.name} line {line_no}: labels {row[1]!r} are not label ids.") from None
            if not ids or any(not 0 <= i < len(LABELS) for i in ids):
                raise InputFileError(f"{path.name} line {line_no}: label ids must be in 0..{len(LABELS) - 1}.")
            texts.append(row[0])
            rows.append(ids)
    y = np.zeros((len(texts), len(LABELS)), dtype=np.int8)
    for i, ids in enumerate(rows):
        y[i, ids] = 1
    return texts, y
