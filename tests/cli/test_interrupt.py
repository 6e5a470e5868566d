"""Interrupting is visible: Ctrl-C / SIGTERM say what was saved and exit 130 / 143, and a re-run continues."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.types import ColumnMapping
from empathic.workspace import Workspace

ANALYSED = re.compile(r"Interrupted: ([\d,]+) of ([\d,]+) analysed and saved; run the same command to continue")
STORED = re.compile(r"Interrupted: ([\d,]+) rows stored; run the same command to continue — already stored rows")


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "empathic.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def _interrupt(proc: subprocess.Popen[str], signum: int, progressed) -> tuple[int, str, str]:
    """Send ``signum`` once ``progressed()`` sees committed work, then wait for the exit."""
    deadline = time.monotonic() + 120
    while not progressed():
        assert proc.poll() is None, f"finished before it could be interrupted: {proc.communicate()}"
        assert time.monotonic() < deadline, "no progress within 120 s"
        time.sleep(0.01)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _in_process(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def _number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.mark.slow  # two CLI processes on a real workspace
def test_interrupted_analyze_says_what_was_saved_exits_130_or_143_and_a_rerun_continues(capsys, tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("id,text\n" + "".join(f"{i},Bag {i} is nice and I love it\n" for i in range(3000)))
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest(data, ColumnMapping(text_col="text", id_col="id"), "review")
    env = {"EMPATHIC_ANALYSE_BATCH_SIZE": "10"}  # many small committed batches: long enough to interrupt
    args = ("analyze", "-w", str(tmp_path / "ws"), "-a", "vader")
    with Workspace(tmp_path / "ws") as watch:
        saved = lambda: watch.status().analysed.get("vader", 0)  # noqa: E731
        code, out, err = _interrupt(_cli(*args, env=env), signal.SIGINT, lambda: saved() > 0)
        match = ANALYSED.search(" ".join(err.split()))
        assert code == 130 and match, (code, out, err)
        first = _number(match[1])
        assert _number(match[2]) == 3000 and 0 < first < 3000 and first == saved(), (first, saved())
        code, out, err = _interrupt(_cli(*args, "--json", env=env), signal.SIGTERM, lambda: saved() > first)
        error = json.loads(out)["error"]
        assert code == 143 and error["code"] == "EMP030" and error["error"] == "Interrupted", (code, out, err)
        match = ANALYSED.search(error["message"])
        assert match and _number(match[2]) == 3000 - first, error
        second = saved()
        assert second == first + _number(match[1]) < 3000, "N is what the store holds"
    code, out, _ = _in_process(capsys, *args, "--json")  # the same command again (default batch size)
    summary = json.loads(out)
    assert code == 0 and summary["analysed"] == {"vader": 3000 - second}, summary
    assert summary["already_done"] == {"vader": second}, "only the rest was analysed"


@pytest.mark.slow  # a CLI process on a real workspace
def test_interrupted_ingest_says_how_many_rows_were_stored_and_a_rerun_skips_them(capsys, tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    data.write_text("id,text\n" + "".join(f"{i},Row {i} says hello\n" for i in range(20000)))
    ws_dir = tmp_path / "ws"
    Workspace.init(ws_dir).close()
    env = {"EMPATHIC_INGEST_CHUNK_SIZE": "50"}
    args = ("ingest", str(data), "-w", str(ws_dir), "--id-col", "id")
    with Workspace(ws_dir) as watch:
        stored = lambda: watch.status().documents  # noqa: E731
        code, out, err = _interrupt(_cli(*args, env=env), signal.SIGTERM, lambda: stored() > 0)
        match = STORED.search(" ".join(err.split()))
        assert code == 143 and match, (code, out, err)
        assert 0 < _number(match[1]) == stored() < 20000, (match[1], stored())
        done = stored()
    code, out, _ = _in_process(capsys, *args, "--json")  # the same command again (default chunk size)
    summary = json.loads(out)
    assert code == 0 and (summary["stored"], summary["skipped"]) == (20000 - done, done), summary


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_any_command_interrupted_exits_128_plus_the_signal_never_0(
    capsys, monkeypatch, tmp_path: Path, signum: int, exit_code: int
) -> None:
    Workspace.init(tmp_path / "ws").close()

    def stopped(self: Workspace) -> None:
        os.kill(os.getpid(), signum)  # arrives while the command runs, as from a terminal or a supervisor
        time.sleep(5)

    monkeypatch.setattr(Workspace, "status", stopped)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    for json_out in (False, True):
        with pytest.raises(SystemExit) as exit_info:
            main(["status", "-w", str(tmp_path / "ws"), *(["--json"] if json_out else [])])
        captured = capsys.readouterr()
        assert exit_info.value.code == exit_code
        if json_out:
            assert json.loads(captured.out)["error"]["code"] == "EMP030"
        else:
            assert "EMP030" in captured.err and "Interrupted before the command finished" in captured.err
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before, "handlers restored"


def test_analyse_job_counts_exactly_what_was_committed_per_analyser(tmp_path: Path) -> None:
    from empathic.app.analyze import analyze as run_analyse
    from empathic.config import AnalyseSettings
    from empathic.errors import Interrupted

    data = tmp_path / "d.csv"
    data.write_text("id,text\n" + "".join(f"{i},Text {i} is fine\n" for i in range(30)))
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest(data, ColumnMapping(text_col="text", id_col="id"), "review")
        calls = []

        def progress(done: int, total: int) -> None:  # Ctrl-C lands after the 5th committed batch
            calls.append(done)
            if len(calls) == 5:
                raise KeyboardInterrupt

        with pytest.raises(Interrupted) as info:
            run_analyse(ws.store, ["vader", "length"], settings=AnalyseSettings(batch_size=8), progress=progress)
        assert info.value.exit_code == 130
        status = ws.store.status().analysed
        assert (status.get("vader"), status.get("length")) == (30, 8), status
        assert info.value.message == (
            "Interrupted: 38 of 60 analysed and saved (vader 30 of 30, length 8 of 30); "
            "run the same command to continue."
        )


def test_a_signal_another_thread_takes_right_after_a_commit_is_still_counted(monkeypatch, tmp_path: Path) -> None:
    import threading

    from empathic.app.analyze import analyze as run_analyse
    from empathic.config import AnalyseSettings
    from empathic.errors import Interrupted
    from empathic.store.sqlite import SQLiteStore

    data = tmp_path / "d.csv"
    data.write_text("id,text\n" + "".join(f"{i},Text {i} is fine\n" for i in range(30)))
    real_write = SQLiteStore.write_scores
    writes = []

    def write_then_signal(self: SQLiteStore, *args, **kwargs) -> None:
        real_write(self, *args, **kwargs)  # committed
        writes.append(1)
        if len(writes) == 2:  # Ctrl-C lands now and another thread takes it (as a progress bar's may)
            killer = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            killer.start()
            killer.join()
            time.sleep(0.05)

    monkeypatch.setattr(SQLiteStore, "write_scores", write_then_signal)
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest(data, ColumnMapping(text_col="text", id_col="id"), "review")
        with pytest.raises(Interrupted) as info:
            run_analyse(ws.store, ["vader"], settings=AnalyseSettings(batch_size=8))
        saved = ws.store.status().analysed.get("vader")
        message = info.value.message
        assert saved == 16 and message.startswith("Interrupted: 16 of 30 analysed and saved"), (saved, message)
