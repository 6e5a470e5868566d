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

Memory is bounded by ``max_row_bytes``, not by the longest line (see :mod:`.bounded`): a longer
physical line comes out as ``row_too_large`` with its first bytes, length and sha256, and a quoted
CSV field still open after ``max_row_bytes`` is taken as a stray quote (its line is quarantined and
reading resumes at the next line), so later rows are still read.
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

from empathic.config import IngestSettings
from empathic.errors import InputFileError
from empathic.ingest.bounded import (
    MAX_JSON_DEPTH,
    Oversize,
    bounded_lines,
    encode_exact,
    json_too_deep,
    too_large_record,
)
from empathic.types import QuarantineReason, RawRecord

FORMATS = ("csv", "tsv", "jsonl", "parquet")
MAX_ROW_BYTES = IngestSettings.max_row_bytes  # the default of ingest.max_row_bytes
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


def _sniff_encoding(stream: IO[bytes], encoding: str) -> tuple[str, str]:
    """``(codec to decode, codec of the bytes)``: a BOM wins over the configured encoding."""
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16", "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", "utf-16-be"
    return encoding, encoding


def _escape(text: str, encoding: str) -> tuple[str, bytes | None]:
    """Text with undecodable bytes shown as ``\\xNN``, plus the exact bytes when there were any."""
    try:
        text.encode("utf-8")
        return text, None
    except UnicodeEncodeError:
        raw = text.encode(encoding if encoding != "utf-8-sig" else "utf-8", "surrogateescape")
        return raw.decode("utf-8" if encoding == "utf-8-sig" else encoding, "backslashreplace"), raw


class _Overflow(Exception):
    """Raised through csv.reader when the record in progress would pass ``max_row_bytes``."""


class _LineTap:
    """Feeds lines to csv.reader, remembers which physical lines made each record, bounds its size."""

    def __init__(self, lines: Iterator[str | Oversize], limit: int, encode: Callable[[str], bytes]) -> None:
        self._lines = lines
        self._limit = limit
        self._encode = encode
        self._pending: deque[tuple[int, str | Oversize]] = deque()
        self.next_line = 1
        self.taken: list[tuple[int, str]] = []
        self.taken_bytes = 0
        self.overflow_bytes = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, line = self._pending.popleft()
        else:
            line = next(self._lines)
            number = self.next_line
            self.next_line += 1
        if isinstance(line, Oversize):
            size = line.size
        elif line.isascii():
            size = len(line)
        else:
            size = len(self._encode(line))
        if isinstance(line, Oversize) or self.taken_bytes + size > self._limit:
            self._pending.appendleft((number, line))  # read again once the record in progress is settled
            self.overflow_bytes = self.taken_bytes + size
            raise _Overflow
        self.taken.append((number, line))
        self.taken_bytes += size
        return line

    def take(self) -> list[tuple[int, str]]:
        taken, self.taken, self.taken_bytes = self.taken, [], 0
        return taken

    def take_oversize(self) -> tuple[int, Oversize]:
        number, over = self._pending.popleft()
        assert isinstance(over, Oversize)
        return number, over

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(lines))


def _read_delimited(
    text: IO[str],
    delimiter: str,
    quoting: str,
    columns: list[str] | None,
    encoding: str,
    codec: str,
    limit: int,
) -> Iterator[RawRecord]:
    def encode(line: str) -> bytes:
        return encode_exact(line, codec)

    tap = _LineTap(bounded_lines(text.readline, limit, encode), limit, encode)
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
        except _Overflow:
            rows = reader()
            lines = tap.take()
            if header is None:
                raise InputFileError(
                    f"The header row is longer than ingest.max_row_bytes={limit:,} bytes.",
                    hint="Check the delimiter and quoting, or raise ingest.max_row_bytes in empathic.toml.",
                ) from None
            if not lines:  # the record starts with a physical line over the bound
                number, over = tap.take_oversize()
                yield too_large_record(number, over, limit, codec)
                continue
            # A quoted field still open after max_row_bytes: take its quote as stray, resume on the next line.
            tap.push_back(lines[1:])
            first, line = lines[0]
            shown, raw_bytes = _escape(line, encoding)
            yield RawRecord(
                line=first,
                fields=None,
                raw=shown,
                raw_bytes=raw_bytes,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {first}: a quoted field opened here was still open after {len(lines):,} lines "
                f"({tap.overflow_bytes:,} bytes, over ingest.max_row_bytes={limit:,}), so its quote is "
                f"taken as stray; reading resumes at line {first + 1}",
            )
            continue
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


def _read_jsonl(stream: IO[bytes], encoding: str, limit: int) -> Iterator[RawRecord]:
    for number, line in enumerate(bounded_lines(stream.readline, limit), start=1):
        if isinstance(line, Oversize):
            yield too_large_record(number, line, limit, encoding)
            continue
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
            deep = json_too_deep(text)
            obj = None if deep else json.loads(text)
        except json.JSONDecodeError as exc:
            yield RawRecord(
                line=number,
                fields=None,
                raw=text,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})",
            )
            continue
        except RecursionError:  # what the depth check lets through still cannot stop the run
            deep = True
        if deep:
            yield RawRecord(
                line=number,
                fields=None,
                raw=text,
                problem=QuarantineReason.MALFORMED_ROW,
                detail=f"line {number}: JSON nested deeper than {MAX_JSON_DEPTH} levels",
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


def read_records(
    path: str | Path,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
    quoting: str | None = None,
    batch_size: int = 2000,
    max_row_bytes: int = MAX_ROW_BYTES,
    position: list[Callable[[], int]] | None = None,
) -> Iterator[RawRecord]:
    """Yield every row of a file as a :class:`RawRecord`, in file order.

    ``columns`` names the columns of a file without a header row. ``quoting`` is ``"minimal"``
    (CSV default) or ``"none"`` (TSV default). A row longer than ``max_row_bytes`` is never held
    in memory whole: it comes out as ``row_too_large``. If ``position`` is a list, a callable
    giving the bytes read so far is appended to it (for progress bars).
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
        from empathic.ingest.parquet import read_parquet  # pyarrow loads only for Parquet

        yield from read_parquet(path, batch_size, max_row_bytes)
        return
    stream, tell = _open_binary(path, gz)
    if position is not None:
        position.append(tell)
    try:
        buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
        if detected == "jsonl":
            yield from _read_jsonl(buffered, encoding, max_row_bytes)
            return
        enc, codec = _sniff_encoding(buffered, encoding)
        text = io.TextIOWrapper(buffered, encoding=enc, errors="surrogateescape", newline="")
        delimiter = "\t" if detected == "tsv" else ","
        quote = quoting or ("none" if detected == "tsv" else "minimal")
        yield from _read_delimited(text, delimiter, quote, columns, enc, codec, max_row_bytes)
    except (OSError, EOFError) as exc:
        raise InputFileError(
            f"{path.name} could not be read to the end: {exc}.",
            hint="The rows before this point were kept; re-ingest a complete copy of the file to add the rest.",
        ) from exc
    finally:
        stream.close()
