"""A SIGKILL in the middle of an ingest leaves a consistent workspace; re-running completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 60_000


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    with data.open("w", encoding="utf-8") as f:
        f.write("id,text,rating\n")
        for i in range(ROWS):
            f.write(f"{i},Review number {i} says the fabric is {'soft' if i % 3 else 'scratchy'},{i % 5 + 1}\n")
        f.write(f"{ROWS},,3\n")  # one quarantined row at the end
    ws = tmp_path / "ws"
    env = {**os.environ, "EMPATHIC_INGEST_CHUNK_SIZE": "200"}
    cli = [
        sys.executable,
        "-m",
        "empathic.cli",
        "ingest",
        str(data),
        "-w",
        str(ws),
        "--id-col",
        "id",
        "--rating-col",
        "rating",
        "--json",
    ]
    subprocess.run([sys.executable, "-m", "empathic.cli", "init", str(ws)], check=True, capture_output=True)
    db = ws / "empathic.sqlite"

    proc = subprocess.Popen(cli, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _count(db) < 2000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 0 < partial < ROWS, f"the kill should land mid-way (stored {partial} of {ROWS})"
    assert partial % 200 == 0, "only whole chunks are committed"

    done = subprocess.run(cli, env=env, capture_output=True, text=True, check=True)
    import json

    summary = json.loads(done.stdout)
    assert summary["read"] == ROWS + 1
    assert summary["stored"] == ROWS - partial
    assert summary["skipped"] == partial
    assert summary["by_reason"] == {"empty_text": 1}
    with sqlite3.connect(db) as conn:
        n, distinct = conn.execute("SELECT count(*), count(DISTINCT source_id) FROM documents").fetchone()
        assert n == distinct == ROWS
        bad = conn.execute("SELECT count(*) FROM documents WHERE text NOT LIKE 'Review number ' || source_id || ' %'")
        assert bad.fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
