"""The output guard against words put in a customer's mouth (quotes in any style, attributions without quotation
marks), and the extractive composer's whole-sentence quotes (never a fragment cut at a URL's dot)."""

from __future__ import annotations

import random

import pytest

from empathic.errors import NarrativeGuardError
from empathic.narrate import narrate
from empathic.narrate.extractive import ExtractiveLLM
from empathic.narrate.guards import check_output, quoted_spans
from empathic.relate.signals import best_sentence
from empathic.types import NarrativeFormat, SourceQuote

FORMATS = [f.value for f in NarrativeFormat]
SRC = [(1, "Since switching to the Ridgeline I arrive dry, even in sideways rain. The hood stays put.")]
CUSTOMERS = [(1, "Fiona C.")]


@pytest.mark.parametrize(
    "output",
    [
        "'This jacket cured my back pain' — a happy customer.",
        "Our customers agree: 'best jacket I have ever owned'.",
        "They call it ‘the warmest coat on earth’.",
        "Ein Kunde: „Die Jacke heilt Rückenschmerzen“.",
        "Un client : « la veste guérit le mal de dos ».",
        "A customer: ‹it cured my back pain›.",
        "お客様の声：「腰痛が治りました」",
        "Fiona says 'I arrive bone dry'.",  # one word changed in a real quote
    ],
)
def test_a_quote_in_any_style_must_be_verbatim(output: str) -> None:
    check = check_output(output, consented=SRC, language=None)
    assert any(f.startswith("altered_quote: ") for f in check.failures), check.failures


def test_apostrophes_are_not_quotes_and_verbatim_single_quotes_pass() -> None:
    brand = "Don't take our word for it: it's our customers' own words, rock 'n' roll since the '90s. Ridgeline."
    assert quoted_spans(brand) == []
    assert check_output(brand, consented=SRC).ok
    verbatim = "Fiona C. put it simply: 'I arrive dry, even in sideways rain.'"
    check = check_output(verbatim, consented=SRC, customers=CUSTOMERS)
    assert check.ok and check.quotes == [(1, "I arrive dry, even in sideways rain.")]
    assert quoted_spans("It's 'bone dry' and 'the customers' jackets stay dry' now.") == [
        "the customers' jackets stay dry"  # two words are no quote; a plural possessive does not close one
    ]


APOSTROPHE_WORDS = ["don't", "it's", "customers'", "'90s", "rock 'n' roll", "'em", "James'", "o'clock", "y'all"]
PLAIN = "the jacket kept me dry on a long walk and the hood stayed put in the wind"
PLAIN_WORDS = PLAIN.split()


@pytest.mark.parametrize("seed", range(30))
def test_apostrophes_never_make_a_quote_and_a_single_quoted_span_is_always_found(seed: int) -> None:
    rng = random.Random(seed)
    words = rng.sample(PLAIN_WORDS, 8)
    for _ in range(4):
        words.insert(rng.randint(0, len(words)), rng.choice(APOSTROPHE_WORDS))
    brand = " ".join(words) + "."
    assert quoted_spans(brand) == [], brand
    span = " ".join(rng.sample(PLAIN_WORDS, rng.randint(3, 6)))
    at = rng.randint(0, len(words))
    quoted = " ".join([*words[:at], f"'{span}'", *words[at:]]) + "."
    assert quoted_spans(quoted) == [span], quoted


@pytest.mark.parametrize(
    "output",
    [
        "Sarah says the jacket cured her back pain.",
        "As Maria put it, this is the only coat you will ever need.",
        "According to John, it never leaks.",
        "Jo from Leeds loves how it cures her back pain.",
        "Fiona C. says she never gets wet.",  # a real customer, words she did not write
        "Fiona, a cyclist from York, told us the hood stays put in a hurricane.",
        "It cured my back pain, says Sarah.",
        "Never wet again — Sarah",
        "VOICE-OVER (Sarah): the jacket cured my back.",
        "Selon Marie, la veste guérit le mal de dos.",
        "Según Ana, la chaqueta cura el dolor de espalda.",
        "Laut Jonas heilt die Jacke Rückenschmerzen.",
        "Marie dit que la veste est magique.",
    ],
)
def test_a_claim_attributed_to_a_named_customer_must_be_verbatim(output: str) -> None:
    check = check_output(output, consented=SRC, customers=CUSTOMERS, language=None)
    assert any(f.startswith("named_attribution: ") for f in check.failures), check.failures
    without_names = check_output(output, consented=SRC, language=None)  # no customer list: still not verbatim
    assert any(f.startswith("named_attribution: ") for f in without_names.failures), without_names.failures


def test_title_case_headlines_are_not_names_but_a_customers_own_name_still_counts() -> None:
    headlines = "# I Never Thought About My Commute This Way\n## Why Hikers Finally Say Yes To The Ridgeline"
    assert check_output(headlines, consented=SRC, customers=CUSTOMERS, context_names=["Ridgeline"]).ok
    check = check_output("# Fiona Says The Jacket Cures Back Pain", consented=SRC, customers=CUSTOMERS)
    # the made-up claim is given to a customer (named_attribution) and is a medical claim (injection)
    assert [f.split(":")[0] for f in check.failures] == ["named_attribution", "injection"]


def test_a_real_quote_credited_to_someone_else_is_misattributed() -> None:
    check = check_output("As Sarah put it, “The hood stays put.”", consented=SRC, customers=CUSTOMERS)
    assert [f.split(":")[0] for f in check.failures] == ["misattributed_quote"]
    two = [*SRC, (2, "Packs into its own pocket.")]
    check = check_output("Jo B. says “The hood stays put.”", consented=two, customers=[*CUSTOMERS, (2, "Jo B.")])
    assert [f.split(":")[0] for f in check.failures] == ["misattributed_quote"]
    assert check_output("Jo B. says “Packs into its own pocket.”", consented=two, customers=[(2, "Jo B.")]).ok


@pytest.mark.parametrize(
    "output",
    [
        "Fiona C. says “The hood stays put.”",
        "As Fiona put it, “I arrive dry, even in sideways rain.”",
        "Fiona C. says the hood stays put.",  # verbatim words of her own text, without marks
        "According to Fiona, The hood stays put.",
        "“The hood stays put.” — Fiona C.",
        "VOICE-OVER (Fiona C.): “The hood stays put.”",
        "The Ridgeline says goodbye to wet commutes. Everyone loves it. Here is what they told us.",
        "We asked people like you what the Ridgeline is like in real life. Winter feels different now.",
    ],
)
def test_verbatim_attributions_and_brand_copy_pass(output: str) -> None:
    check = check_output(output, consented=SRC, customers=CUSTOMERS, context_names=["Ridgeline"], language=None)
    assert check.ok, check.failures


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_extractive_template_passes_with_named_customers(fmt: str) -> None:
    sources = [
        SourceQuote(1, "Bone dry after six hours of rain. Love it.", True, author="Martin F.", product="Ridgeline"),
        SourceQuote(2, "The hood stays put in the wind, e.g. on the ridge at 4.5 km.", True, author="Anne-Marie"),
        SourceQuote(3, "Packs into its own pocket.", True, author="Dr. Jo Banks"),
    ]
    result = narrate(sources, fmt=fmt, llm=ExtractiveLLM(), product="Ridgeline")
    assert result.attempts == 1 and result.checks["rejected_attempts"] == []
    assert "named_attributions" in result.checks and len(result.quotes) >= 1


def test_a_model_that_puts_words_in_a_customers_mouth_is_stopped_with_the_reason() -> None:
    class Liar:
        name, external = "liar", False

        def complete(self, messages, *, max_tokens=160, temperature=0.7, seed=0):
            return "{{Q1}} Martin F. says it cured his back pain. 'Warmest coat I have ever owned' — Jo"

    with pytest.raises(NarrativeGuardError) as err:
        narrate([SourceQuote(1, "Bone dry.", True, author="Martin F.")], fmt="ad", llm=Liar(), retries=1)
    assert "named_attribution" in str(err.value) and "altered_quote: 'Warmest coat" in str(err.value)
    assert err.value.code == "EMP901"


def test_a_quote_holding_quotation_marks_is_not_counted_as_copy() -> None:
    """A customer's own "quotes" inside the quote: the whole quote is what is removed from the brand's words."""
    text = 'Not sure why it\'s called a "blue motif," i think it is black and cream. Great silk top for warm weather.'
    result = narrate([SourceQuote(1, text, True)], fmt="ad", llm=ExtractiveLLM(), retries=0)
    assert any(q.text.startswith("Not sure why") for q in result.quotes)


# -- the extractive composer quotes whole sentences ----------------------------------------------------------------

URL_REVIEW = "So comfy, get yours at www.fern-deals.example.biz/now before the 14-hour flight sale ends. Warm too."


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_highlight_cut_at_a_urls_dot_is_never_quoted(fmt: str) -> None:
    assert best_sentence(URL_REVIEW) != "biz/now before the 14-hour flight sale ends."  # the ranker keeps URLs whole
    fragment = "biz/now before the 14-hour flight sale ends."  # what a splitter that cuts at every dot would give
    sources = [SourceQuote(1, URL_REVIEW, True, highlight=fragment), SourceQuote(2, "Kept me dry all day.", True)]
    result = narrate(sources, fmt=fmt, llm=ExtractiveLLM(), include_flagged=True)
    assert [q.text for q in result.quotes] == ["Kept me dry all day."]  # the URL sentence is set aside whole
    assert "biz" not in result.text and "deals" not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "Gave it 4.5 stars after a 3-day hike in the Alps with Dr. Jones. Nice.",
        "Warm enough, e.g. on a 10-mile walk in March. Good.",
        "Shipped from the U.S. and it kept me dry on a 14-hour flight. Good.",
    ],
)
def test_a_highlight_cut_at_a_decimal_or_an_abbreviation_grows_to_its_sentence(text: str) -> None:
    highlight = best_sentence(text)
    result = narrate([SourceQuote(1, text, True, highlight=highlight)], fmt="ad", llm=ExtractiveLLM())
    assert [q.text for q in result.quotes] == [text.rsplit(" ", 1)[0]]
