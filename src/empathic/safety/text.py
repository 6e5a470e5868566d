"""Views of a text for matching (lower case; accents, invisible characters, look-alike letters and leetspeak
undone), with the offsets back to the text as written, and the sentences of a text.

>>> v = view("Ιgnоrе\u200b prévious")  # a Greek Iota, Cyrillic o and e, a zero-width space, an accent
>>> v.text
'ignore previous'
>>> v.origin_span(0, 6)
(0, 6)
>>> v.leet
False
>>> view("1gn0re").text, view("1gn0re").leet, view("14-hour 3XL").text
('ignore', True, '14-hour 3xl')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# One splitter for every stage (URLs, e-mails, decimals and abbreviations stay whole): the detector's sentences
# are the narrator's and the ranker's.
from empathic.models.text import sentence_spans as sentence_spans

# bidi controls are flagged; the other invisible characters are flagged inside words (see detect.py); all are
# removed from the matching view so they cannot split a keyword
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
_TAGS = range(0xE0000, 0xE0080)  # Unicode tag characters: invisible ASCII ("ASCII smuggling")

# Cyrillic, Greek and other letters that look like Latin ones (Unicode confusables, the common subset)
HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁԛԝһӏɡАВЕКМНОРСТХУІЈЅԜαοριкνυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧıɑℓօսⅰ",
    "aeopcyxijsdqwhlgABEKMHOPCTXYIJSWaopikvuxABEZHIKMNOPTYXialoui",
)
HOMOGLYPH_CHARS = frozenset(k for k in map(chr, HOMOGLYPHS) if "LATIN" not in unicodedata.name(k, "LATIN"))
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$]+")


def is_hidden(ch: str) -> bool:
    return ch in BIDI or ch in ZERO_WIDTH or ord(ch) in _TAGS


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One character as matched: compatibility-decomposed (styled and full-width letters become plain), accents
    dropped, look-alikes mapped to Latin."""
    if ch.isascii():
        return ch
    if is_hidden(ch):
        return ""
    out = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return out.translate(HOMOGLYPHS)


@dataclass(frozen=True)
class View:
    """``text`` as matched (lower case); ``origin[i]`` is the index in the original text of ``text[i]``; ``leet``
    says whether leetspeak was undone in some word."""

    text: str
    origin: tuple[int, ...]
    leet: bool = False

    def origin_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind ``text[start:end]``."""
        n = len(self.origin)
        if n == 0:
            return 0, 0
        start = min(start, n - 1)
        end = max(min(end, n), start + 1)
        return self.origin[start], self.origin[end - 1] + 1


def _leet_word(word: str) -> str:
    letters = sum(c.isalpha() for c in word)
    leet = [i for i, c in enumerate(word) if c in "013457@$"]
    if letters < 2 or not leet or len(word) < 4:
        return word
    interior = any(0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha() for i in leet)
    if not interior and len(leet) < 2:
        return word
    return word.translate(_LEET)


def view(text: str, *, leet: bool = True) -> View:
    """The matching view of ``text`` (see the module docstring); ``leet=False`` keeps digits as written."""
    chars: list[str] = []
    origin: list[int] = []
    if text.isascii():
        folded, origin = text, list(range(len(text)))
    else:
        for i, ch in enumerate(text):
            for c in _fold(ch):
                chars.append(c)
                origin.append(i)
        folded = "".join(chars)
    changed = False
    if leet and any(c in folded for c in "013457@$"):
        parts, last = [], 0
        for m in _LEET_TOKEN.finditer(folded):
            word = _leet_word(m.group())
            if word != m.group():
                changed = True
            parts += [folded[last : m.start()], word]
            last = m.end()
        folded = "".join(parts) + folded[last:]
    lower = folded.lower() if folded.isascii() else "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
    return View(lower, tuple(origin), changed)
