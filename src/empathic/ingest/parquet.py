"""Parquet rows as text: every Arrow type pandas or Spark writes, converted without loss.

Columns are converted batch by batch (``iter_batches``), vectorised where Arrow can:

* timestamps → ISO 8601 with the stored precision (``2024-05-01T09:30:00.123456``); a zoned
  timestamp in UTC with ``Z``. Spark's INT96 timestamps are read at microseconds (Spark's own
  precision), so dates outside 1677–2262 do not overflow.
* date → ``YYYY-MM-DD``; time → ``HH:MM:SS[.ffffff]`` (an all-zero fraction dropped); duration → ISO 8601 ``PT…S``.
* decimal → its exact decimal string (``123.4500``).
* binary → UTF-8 text when the bytes are valid UTF-8 with no control character but tab and line
  ends, else ``base64:`` and the bytes in base64.
* list / struct / map → JSON (maps as objects; as ``[key, value]`` pairs if a key repeats),
  with the rules above applied inside; dictionary-encoded columns → their values.

>>> import pyarrow as pa, datetime as dt, decimal
>>> column_text(pa.array([dt.datetime(2024, 5, 1, 9, 30), None], pa.timestamp("ns", "UTC")))
['2024-05-01T09:30:00Z', None]
>>> column_text(pa.array([decimal.Decimal("1.50")], pa.decimal128(5, 2)))
['1.50']
>>> column_text(pa.array([b"caf\\xc3\\xa9", b"\\xff"]))
['café', 'base64:/w==']
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from empathic.errors import InputFileError
from empathic.ingest.bounded import Oversize, too_large_record
from empathic.types import RawRecord

_UNIT_DIGITS = {"s": 0, "ms": 3, "us": 6, "ns": 9}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # in bytes that decode: binary, not text


def read_parquet(path: Path, batch_size: int, max_row_bytes: int) -> Iterator[RawRecord]:
    """Rows of a Parquet file as text fields; a row over ``max_row_bytes`` as ``row_too_large``."""
    try:
        pf = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputFileError(f"{path.name} is not a readable Parquet file: {exc}.") from exc
    number = 0
    for batch in _batches(pf, batch_size, path):
        names = [str(n) for n in batch.schema.names]
        columns = [column_text(col) for col in batch.columns]
        for values in zip(*columns, strict=True):
            number += 1
            fields = dict(zip(names, values, strict=True))
            raw = json.dumps(fields, ensure_ascii=False)
            if len(raw) > max_row_bytes // 4 and len(data := raw.encode("utf-8", "surrogatepass")) > max_row_bytes:
                yield too_large_record(number, Oversize.of(data), max_row_bytes)
                continue
            yield RawRecord(line=number, fields=fields, raw=raw)


def _batches(pf: pq.ParquetFile, batch_size: int, path: Path) -> Iterator[pa.RecordBatch]:
    try:
        yield from pf.iter_batches(batch_size=batch_size)
    except (OSError, pa.ArrowException) as exc:  # a corrupt page or a truncated file
        raise InputFileError(
            f"{path.name} could not be read to the end: {exc}.",
            hint="The rows before this point were kept; re-ingest a complete copy of the file to add the rest.",
        ) from exc


def column_text(arr: pa.Array) -> list[str | None]:
    """One column as text values (None for null), by the rules in the module docstring."""
    arr = _plain(arr)
    kind = arr.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return arr.to_pylist()
    if pa.types.is_nested(kind):
        # default=str: a safety net for a type Parquet may add later; every type it has now is converted above
        return [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in _pylist(arr)]
    return [_scalar_text(v) for v in arr.to_pylist()]


def _scalar_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _pylist(arr: pa.Array) -> list[Any]:
    try:
        return arr.to_pylist(maps_as_pydicts="strict")
    except KeyError:  # a map with a repeated key somewhere: that value keeps every pair, the others are dicts
        return [_pyvalue(arr.slice(i, 1)) for i in range(len(arr))]


def _pyvalue(one: pa.Array) -> Any:
    try:
        return one.to_pylist(maps_as_pydicts="strict")[0]
    except KeyError:
        return one.to_pylist()[0]


def _plain(arr: pa.Array) -> pa.Array:
    """``arr`` with every value JSON can't carry (time, decimal, bytes, …) turned into a string, nested too."""
    kind = arr.type
    if pa.types.is_dictionary(kind):
        return _plain(arr.dictionary_decode())
    if isinstance(arr, pa.ExtensionArray):
        return _plain(arr.storage)
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            return _iso(arr.cast(pa.timestamp(kind.unit, "UTC")), "Z")
        return _iso(arr, "")
    if pa.types.is_time(kind):
        return _no_zero_fraction(arr.cast(pa.string()))
    if pa.types.is_date(kind) or pa.types.is_decimal(kind):
        return arr.cast(pa.string())
    if pa.types.is_duration(kind):
        digits = _UNIT_DIGITS[kind.unit]
        values = arr.cast(pa.int64()).to_pylist()
        return pa.array(
            [None if v is None else f"PT{Decimal(v).scaleb(-digits).normalize():f}S" for v in values], pa.string()
        )
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        return pa.array([None if v is None else _bytes_text(v) for v in arr.to_pylist()], pa.string())
    if pa.types.is_fixed_size_list(kind):
        return _plain(arr.cast(pa.list_(kind.value_field)))
    if (pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_map(kind)) and arr.offset:
        arr = pa.concat_arrays([arr])  # rebuilding from offsets needs an unsliced array
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        build = pa.ListArray if pa.types.is_list(kind) else pa.LargeListArray
        return build.from_arrays(arr.offsets, _plain(arr.values), mask=_nulls(arr))
    if pa.types.is_map(kind):
        return pa.MapArray.from_arrays(arr.offsets, _plain(arr.keys), _plain(arr.items), mask=_nulls(arr))
    if pa.types.is_struct(kind):
        children = [_plain(child) for child in arr.flatten()]
        return pa.StructArray.from_arrays(children, names=[f.name for f in kind], mask=_nulls(arr))
    return arr


def _nulls(arr: pa.Array) -> pa.Array | None:
    return arr.is_null() if arr.null_count else None


def _iso(arr: pa.Array, zone: str) -> pa.Array:
    # Arrow's %S prints the fraction the unit holds (an all-zero one is dropped).
    text = _no_zero_fraction(pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S"))
    return pc.binary_join_element_wise(text, pa.scalar(zone), "") if zone else text


def _no_zero_fraction(text: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(text, pattern=r"\.0+$", replacement="")


def _bytes_text(value: bytes) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or _CONTROL.search(text):
        return "base64:" + base64.b64encode(value).decode("ascii")
    return text
