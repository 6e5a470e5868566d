"""A hostile file: every quarantine reason, and the read == stored + skipped + quarantined invariant."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from empathic.types import ColumnMapping, QuarantineReason

MAPPING = ColumnMapping(text_col="text", id_col="id", rating_col="rating", author_col="author")
BIG = "x" * 30_000  # over ingest.max_text_chars, within ingest.max_row_bytes: kept whole
HUGE = b"17," + b"y" * (2 * 1024 * 1024) + b",1,max\n"  # over ingest.max_row_bytes: never held whole

ROWS: list[tuple[bytes, str]] = [  # (raw line, expected outcome)
    (b"1,Great fit and colour,5,ann\n", "stored"),
    (b"2,,4,bob\n", "empty_text"),
    (b"3,   ,4,bob\n", "empty_text"),
    (b"4,caf\xe9 is latin-1 not utf-8,3,cy\n", "invalid_encoding"),
    (b"5,has a \x00 nul byte,2,dee\n", "nul_byte"),
    (b'6,"unbalanced quote starts here,3,ed\n', "malformed_row"),
    (b"7,A normal row after the broken one,4,fay\n", "stored"),
    (b'8,"quoted, with a comma",5,gus\n', "stored"),
    (b"9," + BIG.encode() + b",1,hugo\n", "text_too_long"),
    ("10,😍🔥,5,ida\n".encode(), "stored"),
    (b"1,Different text under a known id,5,ann\n", "duplicate_id"),
    (b"1,Great fit and colour,5,ann\n", "skipped"),
    (b"11,too,many,columns,here\n", "malformed_row"),
    (b"12,rating is not a number,five,hal\n", "invalid_value"),
    (b",no id in this row,3,ivy\n", "missing_id"),
    (b"13,\x93smart quotes\x94 from cp1252,4,jo\n", "invalid_encoding"),
    (b'14,"a review\nthat spans two lines",4,kim\r\n', "stored"),
    (b"15,short row\n", "malformed_row"),
    ("16,Ünïcödé and ñ are fine,4,lee\n".encode(), "stored"),
    (HUGE, "row_too_large"),
    (b"18,The row after the huge one,5,ned\n", "stored"),
]


def hostile_bytes() -> bytes:
    return b"id,text,rating,author\n" + b"".join(r for r, _ in ROWS)


def expected() -> dict[str, int]:
    out: dict[str, int] = {}
    for _, outcome in ROWS:
        out[outcome] = out.get(outcome, 0) + 1
    return out


@pytest.mark.parametrize("compressed", [False, True])
def test_hostile_file_every_row_accounted_for(workspace, tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("hostile.csv.gz" if compressed else "hostile.csv")
    path.write_bytes(gzip.compress(hostile_bytes()) if compressed else hostile_bytes())
    s = workspace.ingest(path, MAPPING, "review")
    exp = expected()
    reasons = {k: v for k, v in exp.items() if k not in ("stored", "skipped")}
    assert s.read == len(ROWS)
    assert s.read == s.stored + s.skipped + s.quarantined
    assert (s.stored, s.skipped) == (exp["stored"], exp["skipped"])
    assert dict(s.by_reason) == reasons
    assert set(reasons) == {r.value for r in QuarantineReason}, "the hostile file covers every reason"

    texts = {d.source_id: d.text for d in workspace.store.iter_documents()}
    assert texts["10"] == "😍🔥", "emoji-only text is kept"
    assert texts["14"] == "a review\nthat spans two lines"
    assert texts["1"] == "Great fit and colour", "the first version of a duplicated id wins"
    assert texts["18"] == "The row after the huge one"

    # Undecodable bytes are never dropped: the exact bytes are kept.
    enc = workspace.quarantine(reason="invalid_encoding")
    assert sorted(q.row_number for q in enc) == [5, 17]
    assert any(q.raw_bytes is not None and b"caf\xe9" in q.raw_bytes for q in enc)
    assert any(q.raw_bytes is not None and b"\x93smart quotes\x94" in q.raw_bytes for q in enc)
    assert all("\\x" in q.raw for q in enc), "raw text shows the bad bytes as \\xNN"
    unbalanced = [q for q in workspace.quarantine(reason="malformed_row") if q.row_number == 7]
    assert unbalanced and unbalanced[0].raw.startswith('6,"unbalanced quote')
    big = workspace.quarantine(reason="text_too_long")
    assert len(big) == 1 and len(big[0].raw) > len(BIG), "a long text within the row bound is kept in full"
    (huge,) = workspace.quarantine(reason="row_too_large")
    assert huge.row_number == 22 and huge.raw_bytes == HUGE[:256] and huge.raw == HUGE[:256].decode()
    assert f"{len(HUGE):,} bytes" in huge.detail and hashlib.sha256(HUGE).hexdigest() in huge.detail

    # Re-ingesting the same file is idempotent: nothing new stored, quarantine not repeated.
    before = workspace.status()
    again = workspace.ingest(path, MAPPING, "review")
    assert again.read == s.read and again.stored == 0
    assert again.skipped == s.stored + s.skipped
    assert again.quarantined == s.quarantined
    after = workspace.status()
    assert after.documents == before.documents
    assert after.quarantined == before.quarantined


def test_custom_encoding_reads_cp1252(workspace, tmp_path: Path) -> None:
    path = tmp_path / "cp.csv"
    path.write_bytes(b"id,text\n1,\x93smart\x94 caf\xe9\n")
    s = workspace.ingest(path, ColumnMapping(text_col="text", id_col="id"), "review", encoding="cp1252")
    assert s.stored == 1
    assert next(workspace.store.iter_documents()).text == "\u201csmart\u201d café"
