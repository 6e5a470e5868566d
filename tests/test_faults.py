"""Faults give EMP errors and never destroy earlier output (trust point 4).

Every fault here is real where this machine allows it: a tmpfs of a few hundred KiB for "disk
full", a read-only bind mount for a read-only workspace (root ignores permission bits, a read-only
mount binds root too; as another user, chmod a-w is real), SQLite's ``max_page_count`` for a
database that cannot grow. Tests that need a mount skip with the reason when mounting is refused.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from empathic.cli.main import main
from empathic.errors import DiskFullError
from empathic.fsutil import atomic_write
from empathic.types import ColumnMapping
from empathic.workspace import LOCK_FILE, Workspace

ROWS = "id,text,stars\n1,Love the colour!,5\n2,,3\n3,Zip broke. Annoyed.,1\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def error_of(capsys, *args: str) -> dict[str, str]:
    """The JSON error envelope of a failing command (exit 2), checked against its human form."""
    code, out, _ = run(capsys, *args, "--json")
    assert code == 2, out
    envelope = json.loads(out)["error"]
    assert set(envelope) == {"code", "error", "message", "hint"} and envelope["hint"]
    code, _, err = run(capsys, *args)
    assert code == 2 and err.lstrip().startswith(envelope["code"] + ": ") and "Fix:" in err
    return envelope


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` truly read-only: a read-only bind mount as root, chmod a-w as anyone else."""
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(modes[p] & ~0o222)
        try:
            yield
        finally:
            for p in reversed(paths):
                p.chmod(modes[p])
        return
    if not _mount("--bind", str(folder), str(folder)):
        pytest.skip("cannot bind-mount here (needs CAP_SYS_ADMIN); root ignores chmod, so no honest read-only")
    try:
        if not _mount("-o", "remount,bind,ro", str(folder)):
            pytest.skip("cannot remount read-only here")
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str) -> Iterator[Path]:
    """A real small file system (tmpfs) at ``folder``: writes past ``size`` fail with ENOSPC."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here (needs root); disk full is covered by the max_page_count test")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)  # fails if a command left a file open there


@pytest.fixture
def ws_dir(tmp_path: Path, capsys) -> Path:
    ws = tmp_path / "ws"
    data = tmp_path / "r.csv"
    data.write_text(ROWS)
    assert run(capsys, "init", str(ws))[0] == 0
    assert run(capsys, "ingest", str(data), "-w", str(ws), "--id-col", "id", "--rating-col", "stars")[0] == 0
    return ws


# -- --out, atomic writes ------------------------------------------------------------------------


def test_out_that_is_a_folder_is_an_emp_error_naming_a_file(capsys, ws_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    err = error_of(capsys, "report", "-w", str(ws_dir), "--out", str(folder))
    assert err["code"] == "EMP710" and str(folder / "report.html") in err["hint"]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", ["empathic.sqlite", "empathic.toml"])
def test_out_never_replaces_a_workspace_file(capsys, ws_dir: Path, name: str) -> None:
    before = (ws_dir / name).read_bytes()
    err = error_of(capsys, "report", "-w", str(ws_dir), "--out", str(ws_dir / "sub" / ".." / name))
    assert err["code"] == "EMP710" and "report.html" in err["hint"] and (ws_dir / name).read_bytes() == before


def test_out_in_a_missing_folder_is_created(capsys, ws_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "sub" / "r.html"
    code, out, _ = run(capsys, "report", "-w", str(ws_dir), "--out", str(target), "--json")
    assert code == 0 and json.loads(out)["bytes"] == target.stat().st_size > 1000


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = atomic_write(tmp_path / "report.html", "old report")
    real_write, calls = os.write, []

    def full_after_first_chunk(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data[:10]))

    monkeypatch.setattr(os, "write", full_after_first_chunk)  # the OS boundary: the disk fills mid-file
    with pytest.raises(OSError) as exc:
        atomic_write(target, "new report " * 100)
    monkeypatch.undo()
    assert exc.value.errno == errno.ENOSPC and len(calls) == 2
    assert target.read_text() == "old report" and [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_report_on_a_full_disk_is_emp711_and_the_old_report_survives(capsys, ws_dir: Path, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        old = disk / "report.html"
        old.write_text("<p>last week's report</p>")
        (disk / "filler").write_bytes(b"x" * 60_000)  # fills the disk: the new report (6 KiB) cannot fit
        err = error_of(capsys, "report", "-w", str(ws_dir), "--out", str(old))
        assert err["code"] == "EMP711" and "No space left" in err["message"] and "unchanged" in err["message"]
        assert old.read_text() == "<p>last week's report</p>"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "report.html"]


# -- the database --------------------------------------------------------------------------------


def _db(ws: Path) -> Path:
    return ws / "empathic.sqlite"


def test_zero_byte_database_is_an_error_not_a_fresh_workspace(capsys, ws_dir: Path) -> None:
    _db(ws_dir).write_bytes(b"")
    err = error_of(capsys, "status", "-w", str(ws_dir))
    assert err["code"] == "EMP311" and "empty" in err["message"] and "backup" in err["hint"]
    assert _db(ws_dir).stat().st_size == 0  # left as it was, not migrated into an empty workspace
    assert error_of(capsys, "ingest", str(ws_dir.parent / "r.csv"), "-w", str(ws_dir))["code"] == "EMP311"
    _db(ws_dir).rename(ws_dir.parent / "aside.sqlite")  # the fix: move it aside, then init
    assert f"empathic init {ws_dir}" in err["hint"] and run(capsys, "init", str(ws_dir))[0] == 0
    assert json.loads(run(capsys, "status", "-w", str(ws_dir), "--json")[1])["documents"] == 0


def test_missing_database_is_an_error_and_only_init_creates_one(capsys, ws_dir: Path) -> None:
    _db(ws_dir).unlink()
    err = error_of(capsys, "status", "-w", str(ws_dir))
    assert err["code"] == "EMP313" and "empathic init" in err["hint"]
    assert not _db(ws_dir).exists()
    assert run(capsys, "init", str(ws_dir))[0] == 0  # the fix the hint gives: an empty database, same settings
    code, out, _ = run(capsys, "status", "-w", str(ws_dir), "--json")
    assert code == 0 and json.loads(out)["documents"] == 0


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: os.urandom(len(b)), id="random-bytes"),
        pytest.param(lambda b: b"PK\x03\x04" + b[4:], id="not-a-database-header"),
        pytest.param(lambda b: b[:100] + b"\xff" * (len(b) - 100), id="pages-overwritten"),
    ],
)
def test_corrupted_database_is_emp310_and_never_overwritten(capsys, ws_dir: Path, damage) -> None:
    db = _db(ws_dir)
    bad = damage(db.read_bytes())
    db.write_bytes(bad)
    err = error_of(capsys, "status", "-w", str(ws_dir))
    assert err["code"] == "EMP310" and "empathic init" in err["hint"]
    assert error_of(capsys, "ingest", str(ws_dir.parent / "r.csv"), "-w", str(ws_dir))["code"] == "EMP310"
    assert db.read_bytes() == bad


def test_truncated_database_is_emp310(capsys, tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    n = 3000
    ws.ingest(_csv(tmp_path, n), ColumnMapping(), "review")
    ws.close()
    db = _db(ws.path)
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    assert error_of(capsys, "status", "-w", str(ws.path))["code"] == "EMP310"


def _csv(tmp_path: Path, n: int, width: int = 200) -> Path:
    p = tmp_path / "many.csv"
    p.write_text("text\n" + "".join(f"review {i} {'x' * width}\n" for i in range(n)))
    return p


def test_disk_full_in_the_database_rolls_back_the_chunk_and_loses_nothing(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    mapping = ColumnMapping()
    ws.ingest(_csv(tmp_path, 10, 10), mapping, "review", source="first")
    limit = sqlite3.connect(_db(ws.path)).execute("PRAGMA page_count").fetchone()[0] + 40

    def cap(dbapi_conn, _record) -> None:  # real SQLITE_FULL: the file may not grow past `limit` pages
        dbapi_conn.execute(f"PRAGMA max_page_count={limit}")

    event.listen(ws.store.engine, "connect", cap)
    ws.store.engine.dispose()
    big = _csv(tmp_path, 3000, 300)
    with pytest.raises(DiskFullError) as exc:
        ws.ingest(big, mapping, "review", source="big")
    assert exc.value.code == "EMP312" and "rolled back" in exc.value.hint
    stored = ws.status().by_source
    assert stored["first"] == 10 and stored.get("big", 0) % ws.settings.ingest.chunk_size == 0  # whole chunks only
    event.remove(ws.store.engine, "connect", cap)
    ws.store.engine.dispose()
    again = ws.ingest(big, mapping, "review", source="big")  # space freed: re-run completes, no duplicates
    assert again.stored + again.skipped == 3000 and ws.status().by_source["big"] == 3000
    ws.close()


def test_ingest_on_a_full_disk_is_emp312_and_the_workspace_stays_readable(capsys, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "1m") as disk:
        ws = str(disk / "ws")
        assert run(capsys, "init", ws)[0] == 0
        err = error_of(capsys, "ingest", str(_csv(tmp_path, 6000, 300)), "-w", ws)
        assert err["code"] == "EMP312" and "nothing was lost" in err["hint"]
        code, out, _ = run(capsys, "status", "-w", ws, "--json")
        assert code == 0 and json.loads(out)["documents"] % 2000 == 0


# -- read-only workspace --------------------------------------------------------------------------


def test_read_only_workspace_can_be_read_and_refuses_writes_with_emp210(capsys, ws_dir: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in ws_dir.iterdir() if p.is_file()}
    (ws_dir / LOCK_FILE).unlink()
    with read_only(ws_dir):
        code, out, _ = run(capsys, "status", "-w", str(ws_dir), "--json")
        assert code == 0 and json.loads(out)["documents"] == 2
        code, out, _ = run(capsys, "quarantine", "-w", str(ws_dir), "--json")
        assert code == 0 and json.loads(out)["count"] == 1
        code, out, _ = run(capsys, "mirror", "-w", str(ws_dir), "--json")
        assert code == 0 and json.loads(out)["status"] == "no_pairs"
        code, out, _ = run(capsys, "report", "-w", str(ws_dir), "--out", str(tmp_path / "elsewhere.html"), "--json")
        assert code == 0 and (tmp_path / "elsewhere.html").stat().st_size > 1000
        err = error_of(capsys, "ingest", str(tmp_path / "r.csv"), "-w", str(ws_dir))
        assert err["code"] == "EMP210" and "read-only" in err["message"] and "cp -r" in err["hint"]
        assert error_of(capsys, "analyze", "-w", str(ws_dir), "-a", "vader")["code"] == "EMP210"
        assert error_of(capsys, "report", "-w", str(ws_dir), "--out", str(ws_dir / "r.html"))["code"] == "EMP710"
    assert {p.name: p.read_bytes() for p in ws_dir.iterdir() if p.is_file()} == {
        k: v for k, v in before.items() if k != LOCK_FILE
    }


# -- private by default ----------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_new_workspace_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        ws = Workspace.init(tmp_path / "brand" / "ws")
        ws.ingest(_csv(tmp_path, 5), ColumnMapping(), "review")  # takes the lock, opens the WAL
        files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in ws.path.iterdir()}
        ws.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(ws.path.stat().st_mode) == 0o700
    assert {"empathic.toml", "empathic.sqlite", "empathic.sqlite-wal", "empathic.sqlite-shm", LOCK_FILE} <= set(files)
    assert files == dict.fromkeys(files, 0o600)
