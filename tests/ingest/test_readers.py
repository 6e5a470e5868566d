from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from empathic.errors import ColumnError, InputFileError
from empathic.ingest import default_source, iter_batches
from empathic.ingest.readers import detect_format, read_records
from empathic.types import ColumnMapping, DocumentKind, QuarantineReason

M = ColumnMapping(text_col="text", id_col="id")


def _ingest(path: Path, mapping: ColumnMapping = M, **kw):
    batches = list(iter_batches(path, mapping, DocumentKind.REVIEW, **kw))
    docs = [d for b in batches for d in b.docs]
    bad = [q for b in batches for q in b.quarantined]
    assert sum(b.read for b in batches) == len(docs) + len(bad)
    return docs, bad


@pytest.mark.parametrize(
    ("name", "fmt", "gz"),
    [
        ("a.csv", "csv", False),
        ("a.TSV.gz", "tsv", True),
        ("a.jsonl", "jsonl", False),
        ("a.ndjson.gz", "jsonl", True),
        ("a.parquet", "parquet", False),
    ],
)
def test_detect_format(name: str, fmt: str, gz: bool) -> None:
    assert detect_format(Path(name)) == (fmt, gz)


def test_unknown_format_and_missing_file_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="Cannot tell the format") as e:
        detect_format(Path("notes.txt"))
    assert "--format" in str(e.value)
    with pytest.raises(InputFileError, match="No such file"):
        list(read_records(tmp_path / "missing.csv"))


def test_jsonl_with_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl.gz"
    lines = [
        json.dumps({"id": 1, "text": "fine", "stars": 4.5, "tags": ["a"]}).encode(),
        b"{not json",
        b"[1,2]",
        b"",
        b'{"id": 2, "text": "caf\xe9"}',
        json.dumps({"id": 3, "text": "also fine"}).encode(),
    ]
    p.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    docs, bad = _ingest(p)
    assert [d.source_id for d in docs] == ["1", "3"]
    assert docs[0].attrs["stars"] == "4.5" and docs[0].attrs["tags"] == '["a"]'
    assert [q.reason for q in bad] == [
        QuarantineReason.MALFORMED_ROW,
        QuarantineReason.MALFORMED_ROW,
        QuarantineReason.INVALID_ENCODING,
    ]
    assert bad[2].raw_bytes == b'{"id": 2, "text": "caf\xe9"}\n'


def test_parquet(tmp_path: Path) -> None:
    p = tmp_path / "r.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "text": ["a", None, "c"], "score": [1.5, 2.0, None]}), p)
    docs, bad = _ingest(p, chunk_size=2)
    assert [d.source_id for d in docs] == ["1", "3"]
    assert docs[0].attrs == {"score": "1.5"}
    assert [q.reason for q in bad] == [QuarantineReason.EMPTY_TEXT]


def test_headerless_tsv_with_quotes_in_text(tmp_path: Path) -> None:
    p = tmp_path / "g.tsv"
    p.write_text('He said "wow" and left\t2,5\tabc\nSecond one\t27\tdef\n', encoding="utf-8")
    docs, bad = _ingest(p, ColumnMapping(text_col="text", id_col="cid"), columns=["text", "labels", "cid"])
    assert not bad
    assert docs[0].text == 'He said "wow" and left' and docs[0].attrs == {"labels": "2,5"}


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, b""])
def test_utf8_bom_is_stripped(tmp_path: Path, bom: bytes) -> None:
    p = tmp_path / "b.csv"
    p.write_bytes(bom + "id,text\n1,héllo\n".encode())
    docs, _ = _ingest(p)
    assert docs[0].text == "héllo"


def test_utf16_file_is_detected_by_bom(tmp_path: Path) -> None:
    p = tmp_path / "u16.csv"
    p.write_bytes("id,text\n1,héllo 😍\n".encode("utf-16"))
    docs, bad = _ingest(p)
    assert not bad and docs[0].text == "héllo 😍"


def test_missing_column_lists_available_ones(tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("id,body\n1,x\n")
    with pytest.raises(ColumnError) as e:
        _ingest(p)
    assert "'text'" in e.value.message and "'body'" in (e.value.hint or "")


def test_values_are_normalised(tmp_path: Path) -> None:
    p = tmp_path / "v.csv"
    p.write_text(
        "id,text,parent,when,stars,ok\n"
        "1.0,a,,Tue Oct 31 22:10:47 +0000 2017,4,yes\n"
        "2,b,1.0,2025-03-01,4.5,no\n"
        "3,c,1,2025-03-01T10:00:00+02:00,,\n"
    )
    m = ColumnMapping(
        text_col="text", id_col="id", parent_col="parent", time_col="when", rating_col="stars", consent_col="ok"
    )
    docs, bad = _ingest(p, m)
    assert not bad
    assert [d.source_id for d in docs] == ["1", "2", "3"]
    assert [d.parent_id for d in docs] == [None, "1", "1"]
    assert [d.created_at for d in docs] == ["2017-10-31T22:10:47Z", "2025-03-01", "2025-03-01T08:00:00Z"]
    assert [d.rating for d in docs] == [4.0, 4.5, None]
    assert [d.consent for d in docs] == [True, False, None]


def test_without_id_column_ids_are_line_numbers(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_text("text\nfirst\n\nsecond\n")
    docs, _ = _ingest(p, ColumnMapping(text_col="text"))
    assert [d.source_id for d in docs] == ["line:2", "line:4"]
    assert default_source("dir/My Reviews.csv.gz") == "My Reviews"
