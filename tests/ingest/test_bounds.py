"""Ingest stays bounded: memory set by ingest.max_row_bytes, not by the longest line; no row crashes it."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from empathic.config import Settings
from empathic.errors import ConfigError
from empathic.ingest import iter_batches
from empathic.types import ColumnMapping, DocumentKind, QuarantineReason

M = ColumnMapping(text_col="text", id_col="id")
MiB = 1024 * 1024


def _ingest(path: Path, **kw):
    batches = list(iter_batches(path, M, DocumentKind.REVIEW, **kw))
    docs = [d for b in batches for d in b.docs]
    bad = [q for b in batches for q in b.quarantined]
    assert sum(b.read for b in batches) == len(docs) + len(bad), "every row read is stored or quarantined"
    return docs, bad


def _write_gz_line(path: Path, head: bytes, size: int, tail: bytes) -> None:
    """A gzip file holding ``head``, ``size`` bytes of ``x`` and ``tail``, streamed (never in memory)."""
    block = b"x" * MiB
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(head)
        for _ in range(size // MiB):
            f.write(block)
        f.write(tail)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_oversize_line_in_gz_is_quarantined_by_head_length_and_sha256(workspace, tmp_path: Path, fmt: str) -> None:
    if fmt == "csv":
        header, line, after = b"id,text\n", b"1," + b"ab" * (3 * MiB // 2) + b"\n", b"2,the next row\n"
    else:
        header, line, after = (
            b"",
            b'{"id": 1, "text": "' + b"ab" * (3 * MiB // 2) + b'"}\n',
            b'{"id": 2, "text": "the next row"}\n',
        )
    path = tmp_path / f"huge.{fmt}.gz"
    path.write_bytes(gzip.compress(header + line + after))

    s = workspace.ingest(path, M, "review")
    assert (s.read, s.stored, s.quarantined) == (2, 1, 1)
    assert dict(s.by_reason) == {"row_too_large": 1}
    (q,) = workspace.quarantine(reason="row_too_large")
    assert q.row_number == (2 if fmt == "csv" else 1)
    assert q.raw_bytes == line[:256] and q.raw == line[:256].decode()
    assert f"{len(line):,} bytes, over ingest.max_row_bytes=1,048,576" in q.detail
    assert f"sha256 {hashlib.sha256(line).hexdigest()}" in q.detail
    assert [d.text for d in workspace.store.iter_documents()] == ["the next row"]


def test_max_row_bytes_is_a_setting_checked_against_max_text_chars(tmp_path: Path) -> None:
    assert Settings().ingest.max_row_bytes == MiB
    assert Settings.from_mapping({"ingest": {"max_row_bytes": 200_000}}).ingest.max_row_bytes == 200_000
    with pytest.raises(ConfigError, match=r"max_row_bytes.*4 \* ingest.max_text_chars = 4,000,000") as e:
        Settings.from_mapping({"ingest": {"max_text_chars": 1_000_000}})
    assert "4000000" in (e.value.hint or "")


def test_max_row_bytes_from_the_environment_bounds_a_workspace_ingest(tmp_path: Path, monkeypatch) -> None:
    from empathic.workspace import Workspace

    path = tmp_path / "r.csv"
    path.write_bytes(b"id,text\n1," + b"z" * 150_000 + b"\n2,short\n")
    monkeypatch.setenv("EMPATHIC_INGEST_MAX_ROW_BYTES", "100000")
    ws = Workspace.init(tmp_path / "ws")
    try:
        s = ws.ingest(path, M, "review")
        assert dict(s.by_reason) == {"row_too_large": 1} and s.stored == 1
        assert "150,003 bytes, over ingest.max_row_bytes=100,000" in ws.quarantine()[0].detail
    finally:
        ws.close()


def test_bounded_lines_cut_exactly_at_the_limit() -> None:
    import io

    from empathic.ingest.bounded import bounded_lines

    data = b"a" * 9 + b"\n" + b"b" * 10 + b"\n" + b"c" * 11
    out = list(bounded_lines(io.BytesIO(data).readline, 10))
    assert out[0] == b"a" * 9 + b"\n", "a line of exactly the limit (line end included) is kept"
    assert out[1].size == 11 and out[1].head == b"b" * 10 + b"\n"
    assert out[2].size == 11 and out[2].sha256 == hashlib.sha256(b"c" * 11).hexdigest(), "last line, no line end"
    text = io.TextIOWrapper(io.BytesIO(("é" * 6 + "\r\nok\r").encode()), encoding="utf-8", newline="")
    lines = list(bounded_lines(text.readline, 10, lambda s: s.encode("utf-8")))
    assert lines[0].size == 14 and lines[1] == "ok\r", "text lines are measured in bytes, \\r ends a line"


def test_csv_quoted_newlines_within_the_bound_are_one_record(tmp_path: Path) -> None:
    body = "\n".join(["a line of a long, multi-line review"] * 500)  # ~18 KB over 500 lines
    path = tmp_path / "m.csv"
    path.write_text(f'id,text\n1,"{body}"\n2,next\n', encoding="utf-8")
    docs, bad = _ingest(path, max_row_bytes=20_000, max_text_chars=20_000)
    assert not bad and [d.text for d in docs] == [body, "next"]


def test_csv_stray_quote_resyncs_at_the_next_line_when_the_record_passes_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write('id,text\n1,"a stray quote opens here\n')
        for i in range(2, 2002):
            f.write(f"{i},ordinary review number {i}\n")
    docs, bad = _ingest(path, max_row_bytes=4096, max_text_chars=1000)
    assert [q.row_number for q in bad] == [2] and bad[0].reason == QuarantineReason.MALFORMED_ROW
    assert bad[0].raw == '1,"a stray quote opens here\n'
    sizes = [len('1,"a stray quote opens here\n')] + [len(f"{i},ordinary review number {i}\n") for i in range(2, 400)]
    taken = next(n for n in range(len(sizes)) if sum(sizes[: n + 1]) > 4096)  # lines held when the bound passed
    assert f"still open after {taken} lines ({sum(sizes[: taken + 1]):,} bytes" in bad[0].detail
    assert "reading resumes at line 3" in bad[0].detail
    assert [d.source_id for d in docs] == [str(i) for i in range(2, 2002)], "every later row is read"


def test_oversize_line_inside_an_open_quote_is_its_own_row_too_large(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'id,text\n1,"open\n' + b"x" * 10_000 + b"\n3,after\n")
    docs, bad = _ingest(path, max_row_bytes=4096, max_text_chars=1000)
    assert [(q.row_number, q.reason.value) for q in bad] == [(2, "malformed_row"), (3, "row_too_large")]
    assert [d.source_id for d in docs] == ["3"]


def test_utf16_oversize_row_is_measured_and_hashed_in_the_files_bytes(tmp_path: Path) -> None:
    long_line = "1," + "é" * 3000 + "\n"
    path = tmp_path / "u16.csv"
    path.write_bytes(("id,text\n" + long_line + "2,fine\n").encode("utf-16"))
    docs, bad = _ingest(path, max_row_bytes=4096, max_text_chars=1000)
    assert [d.text for d in docs] == ["fine"]
    (q,) = bad
    exact = long_line.encode("utf-16-le")
    assert q.reason == QuarantineReason.ROW_TOO_LARGE and q.raw_bytes == exact[:256]
    assert f"{len(exact):,} bytes" in q.detail and hashlib.sha256(exact).hexdigest() in q.detail
    assert q.raw == long_line[:128]


def test_header_longer_than_the_bound_is_a_clear_error(tmp_path: Path) -> None:
    from empathic.errors import InputFileError

    path = tmp_path / "h.csv"
    path.write_text("id," + "c" * 5000 + "\n1,x\n")
    with pytest.raises(InputFileError, match=r"header row is longer than ingest\.max_row_bytes=4,096"):
        _ingest(path, max_row_bytes=4096, max_text_chars=1000)


def test_chunks_are_cut_by_text_size_so_large_rows_cannot_pile_up(tmp_path: Path) -> None:
    from empathic.ingest import CHUNK_TEXT

    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("id,text\n")
        for i in range(30):
            f.write(f"{i},{'long review ' * 40_000}\n")  # 480 KB: text_too_long, kept whole in quarantine
    batches = list(iter_batches(path, M, DocumentKind.REVIEW, chunk_size=2000))
    assert sum(b.read for b in batches) == 30 and len(batches) > 1
    for b in batches:
        held = sum(len(q.raw) for q in b.quarantined)
        assert held < CHUNK_TEXT + 480_001, f"a chunk held {held:,} characters of rows"


def test_deeply_nested_json_line_is_malformed_and_later_rows_ingest(workspace, tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    deep = b'{"id": 1, "text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    ok64 = json.dumps({"id": 2, "text": "depth 64 is fine", "a": json.loads("[" * 63 + "]" * 63)}).encode()
    deep65 = json.dumps({"id": 3, "text": "65 is not", "a": json.loads("[" * 64 + "]" * 64)}).encode()
    in_string = json.dumps({"id": 4, "text": "brackets in a string: " + "[{" * 500}).encode()
    path.write_bytes(deep + ok64 + b"\n" + deep65 + b"\n" + in_string + b"\n")
    s = workspace.ingest(path, M, "review")
    assert (s.read, s.stored, s.quarantined) == (4, 2, 2)
    bad = workspace.quarantine(reason="malformed_row")
    assert [q.row_number for q in bad] == [1, 3]
    assert all("nested deeper than 64 levels" in q.detail for q in bad)
    texts = {d.source_id: d.text for d in workspace.store.iter_documents()}
    assert texts == {"2": "depth 64 is fine", "4": "brackets in a string: " + "[{" * 500}


# Peak memory, measured in a fresh process: the bound must hold well below the size of the data.
_CHILD = """
import json, sys
from pathlib import Path
from empathic.ingest import iter_batches
from empathic.types import ColumnMapping, DocumentKind

def vm(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key)) / 1024

base = vm("VmRSS")
read, reasons = 0, {}
for batch in iter_batches(Path(sys.argv[1]), ColumnMapping(text_col="text", id_col="id"), DocumentKind.REVIEW):
    read += batch.read
    for q in batch.quarantined:
        reasons[q.reason.value] = reasons.get(q.reason.value, 0) + 1
print(json.dumps({"growth_mib": vm("VmHWM") - base, "read": read, "reasons": reasons}))
"""


def _peak_growth(path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak RSS is read from /proc")


@needs_proc
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_memory_64_mib_line_in_gz_stays_bounded(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"line.{fmt}.gz"
    head = b"id,text\n1," if fmt == "csv" else b'{"id": 1, "text": "'
    _write_gz_line(path, head, 64 * MiB, b"\n" if fmt == "csv" else b'"}\n')
    r = _peak_growth(path)
    assert r["growth_mib"] < 16, f"peak RSS grew {r['growth_mib']:.1f} MiB for a 64 MiB line"
    assert r["reasons"] == {"row_too_large": 1}


@needs_proc
def test_memory_20_mb_single_row_csv_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    with path.open("wb") as f:
        f.write(b'id,text\n1,"')
        for _ in range(20):
            f.write(b"y" * MiB)
        f.write(b'"\n')
    r = _peak_growth(path)
    assert r["growth_mib"] < 16, f"peak RSS grew {r['growth_mib']:.1f} MiB for a 20 MB row"
    assert (r["read"], r["reasons"]) == (1, {"row_too_large": 1})


@needs_proc
def test_memory_stray_quote_on_line_2_of_20_mb_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    row = "a long but ordinary review " * 380  # ~10 KB, within the bound
    with path.open("w", encoding="utf-8") as f:
        f.write('id,text\n1,"stray\n')
        for i in range(2, 2002):
            f.write(f"{i},{row}\n")
    assert path.stat().st_size > 20_000_000
    r = _peak_growth(path)
    assert r["growth_mib"] < 24, f"peak RSS grew {r['growth_mib']:.1f} MiB for a 20 MB file"
    assert r["read"] == 2001 and r["reasons"] == {"malformed_row": 1}


def test_recursion_error_is_caught_even_past_the_depth_check(tmp_path: Path, monkeypatch) -> None:
    from empathic.ingest import readers

    monkeypatch.setattr(readers, "json_too_deep", lambda text: False)  # the parser itself must not stop the run
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000 + b'\n{"id": 2, "text": "next"}\n')
    docs, bad = _ingest(path)
    assert [(q.row_number, q.reason.value) for q in bad] == [(1, "malformed_row")]
    assert [d.text for d in docs] == ["next"]
