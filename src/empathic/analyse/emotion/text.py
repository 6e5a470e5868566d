"""Text preparation for the emotion encoders: emoji as words, sentence splitting, chunking.

The MiniLM vocabulary has no emoji, so each emoji becomes its Unicode name in words
(``😍`` → ``smiling face with heart-shaped eyes``): emoji-only text still carries its feeling.
Long texts are split into sentences and packed into chunks that fit the encoder's length.

>>> emoji_to_words("love it 😍")
'love it  smiling face with heart-shaped eyes '
>>> split_sentences("Great fit! Zip broke though. Sad.")
['Great fit!', 'Zip broke though.', 'Sad.']
"""

from __future__ import annotations

import unicodedata

from empathic.analyse.sentences import split_sentences  # the one splitter (URLs, decimals, abbreviations)


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


__all__ = ["emoji_to_words", "split_sentences"]
