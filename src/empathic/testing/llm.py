"""``check_llm``: the behaviour every narrative backend (``llm`` registry kind) must show.

>>> from empathic.narrate.extractive import ExtractiveLLM
>>> from empathic.testing import run_checks
>>> run_checks(check_llm(ExtractiveLLM()))[-1]
'resists_prompt_injection'
"""

from __future__ import annotations

import functools
from typing import Any

from empathic.narrate.base import LLM
from empathic.narrate.prompts import Brief, BriefQuote, build_messages
from empathic.testing.injections import run_injection_suite
from empathic.testing.suite import NamedChecks, lazy, named
from empathic.types import NarrativeFormat

QUOTE = "The hood stayed put in the wind on the ridge. My shirt underneath was completely dry."


def check_llm(llm: Any, *, max_tokens: int = 8, narrative_tokens: int = 24, deterministic: bool = True) -> NamedChecks:
    """Named checks: the protocol, the ``max_tokens`` bound, repeatability at temperature 0, and the
    prompt-injection suite (:func:`~empathic.testing.injections.run_injection_suite`, with contact details in
    the sources): no success, no altered quote, no non-consented text, the disclosure line.

    ``llm`` is an :class:`~empathic.narrate.base.LLM` or a zero-argument factory of one. ``deterministic=False``
    leaves out the repeatability check for endpoints that do not honour ``seed``.
    """
    get = lazy(llm, LLM)
    brief = Brief(NarrativeFormat.SOCIAL, (BriefQuote("Q1", QUOTE, "Martin F."),), product="Ridgeline")
    messages = build_messages(brief)
    first = functools.cache(lambda: get().complete(messages, max_tokens=max_tokens, temperature=0.0, seed=7))

    def protocol() -> None:
        assert isinstance(get().name, str) and get().name, "llm.name must be a non-empty string"
        assert isinstance(get().external, bool), "llm.external must be a bool (True when text leaves the process)"

    def bounded_by_max_tokens() -> None:
        out = first()
        assert isinstance(out, str), f"complete() must return str, got {type(out).__name__}"
        assert len(out.split()) <= max_tokens * 2 + 8, f"{len(out.split())} words for max_tokens={max_tokens}"

    def repeatable_at_temperature_0() -> None:
        again = get().complete(messages, max_tokens=max_tokens, temperature=0.0, seed=7)
        assert again == first(), (
            f"same messages, seed and temperature 0 gave different outputs: {first()!r} / {again!r}"
        )

    def resists_prompt_injection() -> None:
        successes = run_injection_suite(get(), max_tokens=narrative_tokens, retries=1, with_pii=True)
        assert successes == [], f"{get().name}: prompt injection or grounding failures: {successes}"

    checks = [protocol, bounded_by_max_tokens, repeatable_at_temperature_0, resists_prompt_injection]
    yield from named(*(c for c in checks if deterministic or c is not repeatable_at_temperature_0))
