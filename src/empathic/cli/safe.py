"""Terminal safety: customer text is shown, never obeyed, by the terminal.

Text from a workspace (reviews, raw quarantined rows, file and column names) can carry escape
sequences that clear the screen, rewrite the clipboard (OSC 52), hide links (OSC 8), or reorder
what is read (bidi overrides, "Trojan Source"). :func:`terminal_safe` turns every such character
into a visible stand-in; :func:`json_safe` writes the same characters as ``\\uXXXX`` escapes, so
``--json`` output stays exact JSON that decodes to the stored text. Neither changes what is stored.

>>> terminal_safe("ok\\x1b[2J\\x07 \\u202egnp.exe")
'ok␛[2J␇ <U+202E>gnp.exe'
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, and DEL, become their Unicode control pictures (ESC -> ␛).
_C0 = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F: "\u2421"}
# C1 controls (0x9B is a one-byte CSI), bidi embeddings/overrides/isolates/marks, invisible
# separators and zero-width characters that hide or reorder text. ZWJ/ZWNJ (U+200C/D) stay:
# scripts and emoji sequences need them and they cannot reorder or hide text.
_MARKED = [
    *range(0x80, 0xA0),
    0x061C,
    0x180E,
    0x200B,
    0x200E,
    0x200F,
    *range(0x2028, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
    *range(0xD800, 0xE000),  # lone surrogates (undecodable bytes kept by surrogateescape) cannot be printed
]
_TERMINAL = str.maketrans(_C0 | {c: f"<U+{c:04X}>" for c in _MARKED})
_JSON_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in [0x7F, *_MARKED]) + "]")


def terminal_safe(text: object) -> str:
    """``text`` with control, escape, bidi and invisible characters shown as visible markers.

    Tabs and newlines stay; everything else printable is unchanged.

    >>> terminal_safe("a\\r\\tb\\x9b31m\\u200bc\\n"), terminal_safe("caf\\udce9")
    ('a␍\\tb<U+009B>31m<U+200B>c\\n', 'caf<U+DCE9>')
    """
    return str(text).translate(_TERMINAL)


def json_safe(encoded: str) -> str:
    """JSON text with DEL, C1, bidi and invisible characters escaped (``json.dumps`` leaves them raw).

    The result decodes to exactly the same data.

    >>> import json
    >>> s = json_safe(json.dumps({"t": "\\u202eabc\\x9b"}, ensure_ascii=False))
    >>> s, json.loads(s)["t"] == "\\u202eabc\\x9b"
    ('{"t": "\\\\u202eabc\\\\u009b"}', True)
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


__all__ = ["json_safe", "terminal_safe"]
