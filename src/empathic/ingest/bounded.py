"""Reading within a memory bound: a row longer than ``ingest.max_row_bytes`` is never held whole.

:func:`bounded_lines` splits a stream into physical lines through ``readline(limit)``, so at most
``max_row_bytes`` (plus one block) is in memory whatever the longest line. A longer line comes out
as an :class:`Oversize`: its first :data:`HEAD_BYTES` bytes, its length and an incremental sha256,
computed while the rest of the line is skipped in blocks.

>>> import io
>>> s = io.BytesIO(b"short\\n" + b"x" * 5000 + b"\\nafter\\n")
>>> [x if isinstance(x, bytes) else x.size for x in bounded_lines(s.readline, 100)]
[b'short\\n', 5001, b'after\\n']

:func:`json_too_deep` tells, without recursing, whether a JSON text nests deeper than a limit.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, AnyStr

from empathic.types import QuarantineReason, RawRecord

HEAD_BYTES = 256  # what an oversize row keeps of itself
MAX_JSON_DEPTH = 64  # deeper JSON is malformed_row: the stdlib parser recurses once per level
_BLOCK = 64 * 1024  # bytes (or characters) read at a time while skipping an oversize line

# A JSON string (escapes included) or one bracket: strings are matched whole so their brackets don't count.
_JSON_NESTING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


@dataclass(frozen=True, slots=True)
class Oversize:
    """A line or row over the bound, known by its first bytes, its length and its sha256.

    >>> o = Oversize.of(b"abc", head=2)
    >>> o.head, o.size, o.sha256[:12]
    (b'ab', 3, 'ba7816bf8f01')
    """

    head: bytes
    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, head: int = HEAD_BYTES) -> Oversize:
        return cls(data[:head], len(data), hashlib.sha256(data).hexdigest())

    def describe(self, limit: int) -> str:
        return (
            f"{self.size:,} bytes, over ingest.max_row_bytes={limit:,}; "
            f"sha256 {self.sha256}; first {len(self.head)} bytes kept"
        )


def encode_exact(text: str, codec: str) -> bytes:
    """The bytes a decoded text came from (undecodable bytes were kept as surrogates)."""
    try:
        return text.encode(codec, "surrogateescape")
    except UnicodeEncodeError:  # UTF-16/32 cannot carry escaped bytes
        return text.encode(codec, "surrogatepass")


def bounded_lines(
    readline: Callable[[int], AnyStr], limit: int, encode: Callable[[str], bytes] | None = None
) -> Iterator[AnyStr | Oversize]:
    """Physical lines (line end included) of at most ``limit`` bytes; each longer one as an :class:`Oversize`.

    ``readline(n)`` returns at most ``n`` units; for a text stream ``encode`` gives a line's
    bytes (a line end is then ``\\n``, ``\\r\\n`` or ``\\r``, as with ``newline=""``).
    """
    ends: Any = ("\n", "\r") if encode is not None else b"\n"
    while True:
        line = readline(limit + 1)
        if not line:
            return
        complete = line.endswith(ends)
        # Whole when it ends a line or stops short of the limit (end of file); then measured in bytes.
        if (complete or len(line) <= limit) and (
            len(line) if encode is None or line.isascii() else len(encode(line))  # type: ignore[arg-type]
        ) <= limit:
            yield line
        else:
            yield _skip_rest(line, complete, ends, readline, encode)


def _skip_rest(
    first: AnyStr,
    complete: bool,
    ends: Any,
    readline: Callable[[int], AnyStr],
    encode: Callable[[str], bytes] | None,
) -> Oversize:
    """Hash and count the rest of an oversize line in blocks, keeping only its first bytes."""
    data: bytes = encode(first) if encode is not None else first  # type: ignore[arg-type,assignment]
    head, size, digest = data[:HEAD_BYTES], len(data), hashlib.sha256(data)
    while not complete:
        piece = readline(_BLOCK)
        if not piece:
            break
        data = encode(piece) if encode is not None else piece  # type: ignore[arg-type,assignment]
        size += len(data)
        digest.update(data)
        complete = piece.endswith(ends)
    return Oversize(head, size, digest.hexdigest())


def too_large_record(line: int, over: Oversize, limit: int, encoding: str = "utf-8") -> RawRecord:
    """The quarantine-bound record of an oversize row: its first bytes exactly, and as text."""
    try:  # a multi-byte character cut at the end of the head is left out of the text
        shown = codecs.getincrementaldecoder(encoding)("strict").decode(over.head, final=False)
    except UnicodeDecodeError:
        shown = over.head.decode(encoding, "backslashreplace")
    return RawRecord(
        line=line,
        fields=None,
        raw=shown,
        raw_bytes=over.head,
        problem=QuarantineReason.ROW_TOO_LARGE,
        detail=f"line {line}: {over.describe(limit)}",
    )


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays/objects in ``text`` nest deeper than ``limit`` (brackets inside strings ignored).

    >>> json_too_deep("[" * 65 + "]" * 65), json_too_deep('{"a": "[[[[[["}', limit=2)
    (True, False)
    """
    if text.count("[") + text.count("{") <= limit:  # cheap exit for ordinary rows
        return False
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False
