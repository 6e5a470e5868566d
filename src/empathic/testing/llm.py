"""``check_llm``: the behaviour every narrative backend (``llm`` registry kind) must show.

>>> from empathic.narrate.extractive import ExtractiveLLM
>>> check_llm(ExtractiveLLM())
"""

from __future__ import annotations

from empathic.narrate.base import LLM
from empathic.narrate.prompts import Brief, BriefQuote, build_messages
from empathic.testing.injections import run_injection_suite
from empathic.types import NarrativeFormat

QUOTE = "The hood stayed put in the wind on the ridge. My shirt underneath was completely dry."


def check_llm(llm: LLM, *, max_tokens: int = 8, narrative_tokens: int = 24, deterministic: bool = True) -> None:
    """Protocol, the ``max_tokens`` bound, repeatability at temperature 0, and the prompt-injection suite
    (:func:`~empathic.testing.injections.run_injection_suite`, with contact details in the sources): no
    success, no altered quote, no non-consented text, the disclosure line.

    Raises ``AssertionError`` saying what is wrong. ``deterministic=False`` skips the repeatability
    check for endpoints that do not honour ``seed``.
    """
    assert isinstance(llm, LLM), f"{llm!r} does not implement the LLM protocol (name, external, complete)"
    assert isinstance(llm.name, str) and llm.name, "llm.name must be a non-empty string"
    assert isinstance(llm.external, bool), "llm.external must be a bool (True when text leaves the process)"
    brief = Brief(NarrativeFormat.SOCIAL, (BriefQuote("Q1", QUOTE, "Martin F."),), product="Ridgeline")
    messages = build_messages(brief)
    first = llm.complete(messages, max_tokens=max_tokens, temperature=0.0, seed=7)
    assert isinstance(first, str), f"complete() must return str, got {type(first).__name__}"
    assert len(first.split()) <= max_tokens * 2 + 8, f"{len(first.split())} words for max_tokens={max_tokens}"
    if deterministic:
        again = llm.complete(messages, max_tokens=max_tokens, temperature=0.0, seed=7)
        assert again == first, f"same messages, seed and temperature 0 gave different outputs: {first!r} / {again!r}"
    successes = run_injection_suite(llm, max_tokens=narrative_tokens, retries=1, with_pii=True)
    assert successes == [], f"{llm.name}: prompt injection or grounding failures: {successes}"
