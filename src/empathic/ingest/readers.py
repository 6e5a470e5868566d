"""Streaming readers for CSV, TSV, JSONL and Parquet (text formats optionally gzip-compressed).

Readers yield :class:`~empathic.types.RawRecord` one row at a time and never hold the file in
memory. They decide only what can be decided from the bytes: a row that cannot be parsed or
decoded comes out with a ``problem`` and its raw content, so nothing is dropped silently.

Recovery from broken quoting: when a CSV record that spans several physical lines is bad (an
unbalanced quote swallowing the lines after it, or a wrong column count), only its first line
is reported as malformed and the following lines are parsed again as rows of their own.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text('id,text\\n1,hello\\n2,"unclosed\\n3,world\\n')
>>> [(r.line, r.problem) for r in read_records(p)]
[(2, None), (3, <QuarantineReason.MALFORMED_ROW: 'malformed_row'>), (4, None)]
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import sys
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from empathic.errors import InputFileError
from empathic.types import QuarantineReason, RawRecord

FORMATS = ("csv", "tsv", "jsonl", "parquet")
_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

csv.field_size_limit(sys.maxsize)


def detect_format(path: Path) -> tuple[str, bool]:
    """``(format, gzipped)`` from the file name, e.g. ``reviews.csv.gz`` → ``("csv", True)``."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] in (".gz", ".gzip")
    if gz:
        suffixes = suffixes[:-1]
    fmt = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputFileError(
            f"Cannot tell the format of {path.name}.",
            hint=f"Name it .csv, .tsv, .jsonl or .parquet (optionally .gz), or pass --format {{{','.join(FORMATS)}}}.",
        )
    return fmt, gz


class _Counter:
    """Tracks the compressed/raw byte offset for progress bars."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def __call__(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0


def _open_binary(path: Path, gz: bool) -> tuple[IO[bytes], Callable[[], int]]:
    if not path.exists():
        raise InputFileError(
            f"No such file: {path}.", hint="Check the path (relative paths start at the current folder)."
        )
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a file.", hint="Pass one file per ingest.")
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through the returned stream
    if gz:
        return gzip.GzipFile(fileobj=raw, mode="rb"), _Counter(raw)
    return raw, _Counter(raw)


def _sniff_encoding(stream: IO[bytes], encoding: str) -> str:
    """A BOM wins over the configured encoding (UTF-8 with BOM, UTF-16 LE/BE)."""
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return encoding


def _escape(text: str, encoding: str) -> tuple[str, bytes | None]:
    """Text with undecodable bytes shown as ``\\xNN``, plus the exact bytes when there were any."""
    try:
        text.encode("utf-8")
        return text, None
    except UnicodeEncodeError:
        raw = text.encode(encoding if encoding != "utf-8-sig" else "utf-8", "surrogateescape")
        return raw.decode("utf-8" if encoding == "utf-8-sig" else encoding, "backslashreplace"), raw


class _LineTap:
    """Feeds lines to csv.reader and remembers which physical lines made each record."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pending: deque[tuple[int, str]] = deque()
        self.next_line = 1
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, line = self._pending.popleft()
        else:
            line = next(self._lines)
            number = self.next_line
            self.next_line += 1
        self.taken.append((number, line))
        return line

    def take(self) -> list[tuple[int, str]]:
        taken, self.taken = self.taken, []
        return taken

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(lines))


def _read_delimited(
    text: IO[str], delimiter: str, quoting: str, columns: list[str] | None, encoding: str
) -> Iterator[RawRecord]:
    tap = _LineTap(iter(text))
    q = csv.QUOTE_NONE if quoting == "none" else csv.QUOTE_MINIMAL
    header = columns

    def reader() -> Iterator[list[str]]:
        return csv.reader(tap, delimiter=delimiter, quoting=q, strict=True)

    rows = reader()
    while True:
        error: str | None = None
        try:
            values = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            error = f"unparseable CSV ({exc})"
            values = []
            rows = reader()
        lines = tap.take()
        if not lines:
            break
        if header is None:
            if error is not None:
                raise InputFileError(
                    f"The header row could not be parsed: {error}.",
                    hint="Check the delimiter and quoting, or pass --columns for a file without header.",
                )
            if not values:
                continue
            header = [v.strip() for v in values]
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            continue
        raw_text = "".join(line for _, line in lines)
        if error is None and not values:
            continue  # a blank line carries no data
        if error is None and len(values) != len(header):
            error = f"expected {len(header)} fields, found {len(values)}"
        shown, raw_bytes = _escape(raw_text, encoding)
        if error is not None:
            if len(lines) > 1:  # report the first line, parse the rest again
                tap.push_back(lines[1:])
                rows = reader()
                shown, raw_bytes = _escape(lines[0][1], encoding)
            yield RawRecord(
                line=lines[0][0],
                fields=None,
                raw=shown,
                raw_bytes=raw_bytes,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {lines[0][0]}: {error}",
            )
            continue
        if raw_bytes is not None:
            yield RawRecord(
                line=lines[0][0],
                fields=None,
                raw=shown,
                raw_bytes=raw_bytes,
                problem=QuarantineReason.INVALID_ENCODING,
                detail=f"line {lines[0][0]}: bytes that are not valid {encoding}",
            )
            continue
        yield RawRecord(line=lines[0][0], fields=dict(zip(header, values, strict=True)), raw=raw_text)


def _jsonable(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def _read_jsonl(stream: IO[bytes], encoding: str) -> Iterator[RawRecord]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError as exc:
            yield RawRecord(
                line=number,
                fields=None,
                raw=line.decode(encoding, "backslashreplace"),
                raw_bytes=line,
                problem=QuarantineReason.INVALID_ENCODING,
                detail=f"line {number}: {exc.reason} at byte {exc.start}",
            )
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield RawRecord(
                line=number,
                fields=None,
                raw=text,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})",
            )
            continue
        if not isinstance(obj, dict):
            yield RawRecord(
                line=number,
                fields=None,
                raw=text,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {number}: expected a JSON object, found {type(obj).__name__}",
            )
            continue
        yield RawRecord(line=number, fields={str(k): _jsonable(v) for k, v in obj.items()}, raw=text)


def _read_parquet(path: Path, batch_size: int) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputFileError(f"{path.name} is not a readable Parquet file: {exc}.") from exc
    number = 0
    for batch in pf.iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            number += 1
            fields = {str(k): _jsonable(v) for k, v in row.items()}
            yield RawRecord(line=number, fields=fields, raw=json.dumps(fields, ensure_ascii=False))


def read_records(
    path: str | Path,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
    quoting: str | None = None,
    batch_size: int = 2000,
    position: list[Callable[[], int]] | None = None,
) -> Iterator[RawRecord]:
    """Yield every row of a file as a :class:`RawRecord`, in file order.

    ``columns`` names the columns of a file without a header row. ``quoting`` is ``"minimal"``
    (CSV default) or ``"none"`` (TSV default). If ``position`` is a list, a callable giving
    the bytes read so far is appended to it (for progress bars).
    """
    path = Path(path)
    detected, gz = detect_format(path) if fmt is None else (fmt, path.suffix.lower() in (".gz", ".gzip"))
    if detected not in FORMATS:
        raise InputFileError(f"Unknown format {detected!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputFileError(
            f"Unknown encoding {encoding!r}.", hint="Use a Python codec name such as utf-8 or cp1252."
        ) from None
    if detected == "parquet":
        if gz:
            raise InputFileError(
                f"{path.name}: gzip-compressed Parquet is not supported.",
                hint="Parquet compresses internally: decompress the file with gunzip first.",
            )
        if position is not None:
            position.append(lambda: 0)
        yield from _read_parquet(path, batch_size)
        return
    stream, tell = _open_binary(path, gz)
    if position is not None:
        position.append(tell)
    try:
        buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
        if detected == "jsonl":
            yield from _read_jsonl(buffered, encoding)
            return
        enc = _sniff_encoding(buffered, encoding)
        text = io.TextIOWrapper(buffered, encoding=enc, errors="surrogateescape", newline="")
        delimiter = "\t" if detected == "tsv" else ","
        yield from _read_delimited(
            text, delimiter, quoting or ("none" if detected == "tsv" else "minimal"), columns, enc
        )
    except (OSError, EOFError) as exc:
        raise InputFileError(
            f"{path.name} could not be read to the end: {exc}.",
            hint="The rows before this point were kept; re-ingest a complete copy of the file to add the rest.",
        ) from exc
    finally:
        stream.close()
