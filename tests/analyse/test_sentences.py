"""The one sentence splitter: seeded property tests (random reviews built from sentences that hold URLs, domain
names, e-mail addresses, decimals, abbreviations, initials and ellipses), and every caller uses it."""

from __future__ import annotations

import itertools
import random

import pytest

from empathic.models.text import covering_span, sentence_spans, split_sentences
from empathic.narrate.guards import sentence_spans as guard_spans

# tokens with dots, ellipses or marks inside that must never end a sentence
PROTECTED = [
    "www.deals.example.biz/now",
    "https://shop.example.com/a.b?x=1.5",
    "fernhollow.co.uk",
    "jo.bloggs@example.co.uk",
    "4.5",
    "£12.99",
    "e.g.",
    "i.e.",
    "etc.",
    "Dr.",
    "Mrs.",
    "U.S.",
    "a.m.",
    "Mary J. R. Smith",
    "wait...",
    "well…",
    "v2.0.1",
]
PLAIN = "the jacket kept me dry on a long walk and the hood stayed put in wind so I wore it daily"
WORDS = PLAIN.split()
ENDS = [".", "!", "?", "!!", "?!", ".”", '."', ".)"]


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(2, 6))
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randint(0, len(words)), rng.choice(PROTECTED))
    words.append(rng.choice(WORDS))  # a plain last word, so only the final mark ends the sentence
    first = words[0][0].upper() + words[0][1:]
    return " ".join([first, *words[1:]]) + rng.choice(ENDS)


@pytest.mark.parametrize("seed", range(60))
def test_random_reviews_split_exactly_at_their_sentence_ends(seed: int) -> None:
    rng = random.Random(seed)
    sents = [_sentence(rng) for _ in range(rng.randint(1, 6))]
    text = "".join(s + rng.choice([" ", "  ", "\n", " \n "]) for s in sents).rstrip()
    assert split_sentences(text) == sents, text
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == sents  # verbatim slices, in order
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    # no protected token is ever cut: each occurrence lies inside one span
    for token in PROTECTED:
        start = text.find(token)
        while start >= 0:
            assert any(a <= start and start + len(token) <= b for a, b in spans), (token, text)
            start = text.find(token, start + 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visit www.deals.example.biz/now today", ["Visit www.deals.example.biz/now today"]),
        ("Gave it 4.5 stars. Love it", ["Gave it 4.5 stars.", "Love it"]),
        ("Met Dr. Jones, e.g. on walks. Nice", ["Met Dr. Jones, e.g. on walks.", "Nice"]),
        ("Shipped from the U.S. in 2 days.", ["Shipped from the U.S. in 2 days."]),
        ("Hmm... ok then. Fine", ["Hmm... ok then.", "Fine"]),
        ("Martin F. says hi. Bye", ["Martin F. says hi.", "Bye"]),
        ("I got size M. Love it.", ["I got size M.", "Love it."]),
        ("Mail jo@example.com. Thanks!", ["Mail jo@example.com.", "Thanks!"]),
        ("とても暖かい。最高！ok", ["とても暖かい。", "最高！", "ok"]),
        ("", []),
    ],
)
def test_known_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_every_caller_uses_the_one_splitter() -> None:
    text = "Gave it 4.5 stars, see www.deals.example.biz/now today. Dr. Jo agrees… mostly! Bye"
    assert split_sentences(text) == [text[a:b] for a, b in guard_spans(text)]
    assert len(split_sentences(text)) == 3


def test_covering_span_grows_a_fragment_to_whole_sentences() -> None:
    text = "So comfy, get yours at www.fern-deals.example.biz/now before the sale ends. Warm too."
    frag = "biz/now before the sale ends."
    a, b = covering_span(text, text.index(frag), text.index(frag) + len(frag))
    assert text[a:b] == text.split(" Warm")[0]
    a, b = covering_span(text, 0, len(text))
    assert (a, b) == (0, len(text))
