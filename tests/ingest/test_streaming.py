"""Ingest streams: peak memory does not grow with the number of rows."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from empathic.ingest import iter_batches
from empathic.types import ColumnMapping, DocumentKind


def _peak(path: Path) -> int:
    tracemalloc.start()
    n = 0
    for batch in iter_batches(path, ColumnMapping(text_col="text", id_col="id"), DocumentKind.REVIEW, chunk_size=500):
        n += batch.read
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_peak_memory_is_flat_in_file_length(tmp_path: Path) -> None:
    def write(path: Path, rows: int) -> Path:
        with path.open("w") as f:
            f.write("id,text\n")
            for i in range(rows):
                f.write(f"{i},Review {i}: the fabric is soft and the fit runs a little small\n")
        return path

    small = _peak(write(tmp_path / "s.csv", 5_000))
    large = _peak(write(tmp_path / "l.csv", 40_000))
    assert large < small * 1.5, f"peak grew from {small:,} to {large:,} bytes for 8x the rows"
