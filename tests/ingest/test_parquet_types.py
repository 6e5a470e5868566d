"""Parquet as pandas and Spark write it: every column type ingests as text, nothing lost, no crash."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from empathic.ingest import iter_batches
from empathic.types import ColumnMapping, DocumentKind

M = ColumnMapping(text_col="text", id_col="id")


def _attrs(path: Path, **kw) -> dict[str, dict[str, str]]:
    batches = list(iter_batches(path, M, DocumentKind.REVIEW, **kw))
    assert not [q for b in batches for q in b.quarantined]
    return {d.source_id: dict(d.attrs) for b in batches for d in b.docs}


def test_arrow_types_become_exact_text(tmp_path: Path) -> None:
    ns = 1_714_555_800_123_456_789  # 2024-05-01T09:30:00.123456789Z
    table = pa.table(
        {
            "id": [1, 2],
            "text": ["fits well", "runs small"],
            "ts_ns": pa.array([ns, None], pa.timestamp("ns")),
            "ts_us_paris": pa.array([ns // 1000, 0], pa.timestamp("us", "Europe/Paris")),
            "ts_ms": pa.array([ns // 10**6, ns // 10**9 * 1000], pa.timestamp("ms")),
            "ts_s": pa.array([ns // 10**9, None], pa.timestamp("s", "UTC")),
            "d32": pa.array([dt.date(2024, 5, 1), dt.date(1, 1, 1)], pa.date32()),
            "d64": pa.array([dt.date(2024, 5, 1), None], pa.date64()),
            "t64": pa.array([dt.time(9, 30, 0, 5), dt.time(23, 59)], pa.time64("us")),
            "t32": pa.array([dt.time(9, 30), None], pa.time32("s")),
            "dec": pa.array([Decimal("123.4500"), Decimal("-0.0001")], pa.decimal128(12, 4)),
            "dec256": pa.array([Decimal("1" * 50), None], pa.decimal256(60, 0)),
            "dur": pa.array([5, 3_600_000_000], pa.duration("us")),
            "bin": pa.array(["café".encode(), b"\xff\x00\x10"], pa.binary()),
            "lbin": pa.array([b"ok", None], pa.large_binary()),
            "fbin": pa.array([b"\x00\x01", b"ab"], pa.binary(2)),
            "tags": pa.array([["a", "b"], []], pa.list_(pa.string())),
            "times": pa.array([[ns], None], pa.list_(pa.timestamp("ns"))),
            "big": pa.array([[Decimal("1.10")], [None]], pa.large_list(pa.decimal128(5, 2))),
            "pair": pa.array([[1, 2], [3, 4]], pa.list_(pa.int64(), 2)),
            "who": pa.array(
                [{"age": 34, "joined": dt.date(2020, 1, 2), "raw": b"\xfe"}, None],
                pa.struct([("age", pa.int8()), ("joined", pa.date32()), ("raw", pa.binary())]),
            ),
            "props": pa.array(
                [[("size", "M"), ("fit", "slim")], [("k", "1"), ("k", "2")]], pa.map_(pa.string(), pa.string())
            ),
            "channel": pa.array(["email", "email"]).dictionary_encode(),
        }
    )
    path = tmp_path / "types.parquet"
    pq.write_table(table, path)
    a = _attrs(path)
    assert a["1"] == {
        "ts_ns": "2024-05-01T09:30:00.123456789",
        "ts_us_paris": "2024-05-01T09:30:00.123456Z",
        "ts_ms": "2024-05-01T09:30:00.123",
        "ts_s": "2024-05-01T09:30:00Z",
        "d32": "2024-05-01",
        "d64": "2024-05-01",
        "t64": "09:30:00.000005",
        "t32": "09:30:00",
        "dec": "123.4500",
        "dec256": "1" * 50,
        "dur": "PT0.000005S",
        "bin": "café",
        "lbin": "ok",
        "fbin": "base64:" + base64.b64encode(b"\x00\x01").decode(),
        "tags": '["a", "b"]',
        "times": '["2024-05-01T09:30:00.123456789"]',
        "big": '["1.10"]',
        "pair": "[1, 2]",
        "who": '{"age": 34, "joined": "2020-01-02", "raw": "base64:/g=="}',
        "props": '{"size": "M", "fit": "slim"}',
        "channel": "email",
    }
    two = a["2"]
    assert two["ts_us_paris"] == "1970-01-01T00:00:00Z" and two["ts_ms"] == "2024-05-01T09:30:00"
    assert two["d32"] == "0001-01-01" and two["dec"] == "-0.0001" and two["dur"] == "PT3600S"
    assert two["bin"] == "base64:" + base64.b64encode(b"\xff\x00\x10").decode() and two["fbin"] == "ab"
    assert two["tags"] == "[]" and two["big"] == "[null]"
    assert two["props"] == '[["k", "1"], ["k", "2"]]', "a repeated map key keeps every pair"
    assert not {"ts_ns", "d64", "t32", "dec256", "lbin", "times", "who"} & set(two), "nulls are not attributes"


def test_pandas_written_parquet(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "id": [10, 11],
            "text": ["love the colour", "zip broke"],
            "when": pd.to_datetime(["2025-03-01 10:00:00.5", "2025-03-02"], format="ISO8601"),
            "when_tz": pd.to_datetime(["2025-03-01 10:00", "2025-03-02 23:30"]).tz_localize("America/New_York"),
            "day": [dt.date(2025, 3, 1), dt.date(2025, 3, 2)],
            "price": [Decimal("19.99"), Decimal("5.00")],
            "segment": pd.Categorical(["north", "south"]),
            "blob": [b"\x89PNG", b"plain"],
            "meta": [{"k": "v", "n": 1}, {"k": "w", "n": 2}],
            "tags": [["a"], ["b", "c"]],
        }
    )
    path = tmp_path / "pandas.parquet"
    df.to_parquet(path, engine="pyarrow")
    a = _attrs(path, chunk_size=1)
    assert re.fullmatch(r"2025-03-01T10:00:00\.50*", a["10"].pop("when")), "ms, us or ns: as pandas stored it"
    assert a["10"] == {
        "when_tz": "2025-03-01T15:00:00Z",
        "day": "2025-03-01",
        "price": "19.99",
        "segment": "north",
        "blob": "base64:" + base64.b64encode(b"\x89PNG").decode(),
        "meta": '{"k": "v", "n": 1}',
        "tags": '["a"]',
    }
    assert a["11"]["when"] == "2025-03-02T00:00:00" and a["11"]["when_tz"] == "2025-03-03T04:30:00Z"
    assert a["11"]["blob"] == "plain" and json.loads(a["11"]["tags"]) == ["b", "c"]


def test_spark_int96_timestamps_keep_microseconds_and_far_dates(tmp_path: Path) -> None:
    stamps = [
        dt.datetime(2024, 5, 1, 9, 30, 0, 123456),
        dt.datetime(1, 1, 1),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    ]
    table = pa.table(
        {"id": [1, 2, 3], "text": ["a", "b", "c"], "event_time": pa.array(stamps, pa.timestamp("us", "UTC"))}
    )
    path = tmp_path / "spark.parquet"
    pq.write_table(table, path, use_deprecated_int96_timestamps=True)
    assert pq.ParquetFile(path).schema.column(2).physical_type == "INT96"
    a = _attrs(path)
    assert [a[i]["event_time"] for i in "123"] == [
        "2024-05-01T09:30:00.123456",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59.999999",
    ]


def test_parquet_row_over_the_bound_is_row_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["x" * 300_000, "fine"]}), path)
    batches = list(iter_batches(path, M, DocumentKind.REVIEW, max_row_bytes=100_000, max_text_chars=1000))
    (q,) = [q for b in batches for q in b.quarantined]
    assert q.reason.value == "row_too_large" and q.raw_bytes == b'{"id": "1", "text": "' + b"x" * 235
    assert [d.text for b in batches for d in b.docs] == ["fine"]


def test_corrupt_parquet_page_is_a_clear_error_after_the_rows_before_it(tmp_path: Path) -> None:
    from empathic.errors import InputFileError

    path = tmp_path / "c.parquet"
    table = pa.table({"id": list(range(20_000)), "text": [f"review {i}" for i in range(20_000)]})
    pq.write_table(table, path, row_group_size=5_000)
    data = path.read_bytes()
    mid = len(data) // 2
    path.write_bytes(data[:mid] + b"\0" * 2_000 + data[mid + 2_000 :])  # a data page broken, footer intact
    seen = 0
    with pytest.raises(InputFileError, match="could not be read to the end") as e:
        for batch in iter_batches(path, M, DocumentKind.REVIEW, chunk_size=1_000):
            seen += batch.read
    assert seen >= 5_000 and "re-ingest a complete copy" in (e.value.hint or "")
