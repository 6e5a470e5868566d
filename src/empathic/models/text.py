"""Text helpers of the model runtime: the one sentence splitter, and emoji as words for the encoders.

One sentence splitter for every stage: spans sliced verbatim from the text, so any sentence can be quoted.

A sentence ends at ``.``, ``!``, ``?`` (with any closing quotes or brackets) followed by white space or the
end of the text, at ``。！？``, or at a line break. A dot with no space after it never ends a sentence,
so URLs, domain names, e-mail addresses and decimals stay whole; a dot after a known abbreviation
(``Dr.``, ``e.g.``, ``etc.``), after initials (``U.S.``, ``J.``) and an ellipsis (``...``, ``…``) do not
end one either.

>>> split_sentences("Visit www.deals.example.biz/now today. Rated 4.5 stars... by Dr. Jo, e.g. me! Ok")
['Visit www.deals.example.biz/now today.', 'Rated 4.5 stars... by Dr. Jo, e.g. me!', 'Ok']

The MiniLM vocabulary has no emoji, so each emoji becomes its Unicode name in words
(``😍`` → ``smiling face with heart-shaped eyes``): emoji-only text still carries its feeling.

>>> emoji_to_words("love it 😍")
'love it  smiling face with heart-shaped eyes '
"""

from __future__ import annotations

import re
import unicodedata

# ``.!?`` with the closing marks after them, then a space or the end; CJK full stops; a line break
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’»)\]]*)(?=\s|$)|([。！？]+[」』”’)]*)|\n")
_LAST_WORDS = re.compile(r"(?:(\S+)\s+)?(\S+)$")
# lower-case: compared without the final dot; a word with an inner dot (e.g., U.S., a.m.) is always one
_ABBREVIATIONS = """mr mrs ms mx dr prof st sr jr rev hon gen col capt lt sgt mt ft vs etc approx appt apt dept est incl
    misc no nos nr tel ref fig vol ca cf al esp jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed
    thu fri sat sun inc ltd co corp bros av ave blvd rd sq oz lb lbs pt qt min max mme mlle bzw usw ggf sr sra
    srta dra"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())


def _abbreviation(token: str, before: str) -> bool:
    """True when ``token`` (the word before a dot, dot included) reads as an abbreviation or an initial;
    ``before`` is the word in front of it (``Martin F.`` is an initial, ``size M.`` ends a sentence)."""
    word = token.lstrip("([\"'“‘«")
    if not word.endswith(".") or word.endswith(".."):
        return False
    core = word[:-1]
    if not core or not core.replace(".", "").isalpha():
        return False
    if len(core) == 1:
        return core.isupper() and core != "I" and (not before or before[:1].isupper())
    return "." in core or core.lower() in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, white space trimmed, in order and never overlapping.

    >>> t = "Mail jo.b@example.com now. Dry! Warm"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Mail jo.b@example.com now.', 'Dry!', 'Warm']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    bounds: list[tuple[int, int]] = []
    for m in _BOUNDARY.finditer(text):
        mark = m.group(1)
        if mark is not None:
            if "…" in mark or ".." in mark:
                continue  # an ellipsis trails off, it does not end the sentence
            if mark.startswith(".") and len(mark.rstrip("\"'”’»)]")) == 1:
                words = _LAST_WORDS.search(text[max(0, m.start() - 60) : m.start() + 1])  # look back a little
                if words and _abbreviation(words.group(2), words.group(1) or ""):
                    continue
        end = m.end(1) if mark is not None else m.end(2) if m.group(2) else m.start()
        bounds.append((end, m.end()))
    for end, nxt in [*bounds, (len(text), len(text))]:
        a, b = start, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
        start = nxt
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, verbatim; never returns empty strings.

    >>> split_sentences("Great fit! Zip broke though. Sad.")
    ['Great fit!', 'Zip broke though.', 'Sad.']
    """
    return [text[a:b] for a, b in sentence_spans(text or "")]


def covering_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences of ``text`` that covers ``text[start:end]``: a fragment cut by
    another splitter (at a URL's dot, a decimal, an abbreviation) grows back to the sentence it came from.

    >>> t = "Great jacket, visit www.deals.example.biz/now today. Warm."
    >>> a, b = covering_span(t, t.index("biz"), t.index(" Warm"))
    >>> t[a:b]
    'Great jacket, visit www.deals.example.biz/now today.'
    """
    spans = [(a, b) for a, b in sentence_spans(text) if a < max(end, start + 1) and b > start]
    return (spans[0][0], spans[-1][1]) if spans else (start, end)


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return 0x1F300 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F900 <= cp <= 0x1F9FF or 0x1F000 <= cp <= 0x1F2FF


def emoji_to_words(text: str) -> str:
    """Replace emoji with their lower-case Unicode names; drop variation selectors and joiners."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch in "\ufe0f\u200d":
            continue
        if _is_emoji(ch):
            name = unicodedata.name(ch, "")
            out.append(f" {name.lower()} " if name else " ")
        else:
            out.append(ch)
    return "".join(out)


__all__ = ["ABBREVIATIONS", "covering_span", "emoji_to_words", "sentence_spans", "split_sentences"]
