"""The injection conformance suite over every built-in narrator backend: extractive in every format; openai against
a real OpenAI-compatible server on 127.0.0.1 serving a parrot (it repeats every customer word it is sent, quoted)
and the obedient model (it follows every instruction it finds); local (llama.cpp, SmolLM2) on two formats (slow)."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from empathic import registry
from empathic.errors import BackendNotInstalledError
from empathic.narrate import get_llm
from empathic.narrate.extractive import ExtractiveLLM
from empathic.narrate.openai import OpenAILLM
from empathic.testing.attacks import INJECTIONS
from empathic.testing.chat_server import ChatServer
from empathic.testing.conformance import injection_checks, narrate_attacks
from empathic.testing.obedient import obedient_llm

EXTRACTIVE = list(injection_checks(llms=[ExtractiveLLM()], detector=False))


def test_every_builtin_narrator_is_checked_here() -> None:
    assert set(registry.names("llm")) == {"extractive", "local", "openai"}  # a new built-in: add it below


@pytest.mark.parametrize(("name", "check"), EXTRACTIVE, ids=[n for n, _ in EXTRACTIVE])
def test_extractive(name, check) -> None:
    check()


def test_extractive_writes_from_the_clean_story_whatever_the_attacks() -> None:
    llm = ExtractiveLLM()
    for include in (False, True):
        result, prompts = narrate_attacks(llm, "email", include)
        assert result is not None and result.quotes and prompts
    assert narrate_attacks(llm, "email", False)[0].checks["flagged_sources"]  # type: ignore[union-attr]


def _failures(checks) -> list[str]:
    failures = []
    for name, check in checks:
        try:
            check()
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    return failures


def _parrot(request: dict) -> dict:
    """The most obedient model there is: it writes back every quote and author of the data block it was sent."""
    block = re.search(r"<customer_data>\n(.*)\n</customer_data>", request["messages"][-1]["content"], re.S)
    data = json.loads(block.group(1)) if block else {"quotes": []}
    reply = "{{Q1}}\n" + "\n".join(f"“{q['text']}” — {q['author']}" for q in data["quotes"])
    return {"choices": [{"message": {"role": "assistant", "content": reply}}]}


def test_openai_against_a_parrot_on_127_0_0_1() -> None:
    with ChatServer(_parrot) as server:
        llm = OpenAILLM(base_url=server.base_url, model="parrot")
        failures = _failures(injection_checks(llms=[llm], formats=["email", "scene-script"], detector=False))
        produced = narrate_attacks(llm, "email", True)[0]
        sent = json.dumps(server.requests).lower()
    assert failures == []
    assert produced is not None and len(produced.quotes) >= 2, "the parrot's narrative passed the guards"
    assert server.requests, "the backend was never called"
    for inj in INJECTIONS:
        if inj.style != "prompt_leak":  # its markers are the prompt's own words
            assert not [m for m in inj.markers if m.lower() in sent], f"{inj.style} reached the endpoint"


def test_openai_against_the_obedient_model() -> None:
    """Every attack style in every format through a model that follows every instruction it finds: the guards
    block or clean every output (0 flagged quoted, 0 canaries, 0 altered quotes)."""
    with obedient_llm() as llm:
        assert _failures(injection_checks(llms=[llm], detector=False)) == []


@pytest.mark.slow
def test_local_model() -> None:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp is not installed (make test installs it: pip install 'empathic[llm]')")
    try:
        llm = get_llm("local")
    except BackendNotInstalledError as exc:
        pytest.skip(str(exc))
    assert _failures(injection_checks(llms=[llm], formats=["ad", "scene-script"], detector=False)) == []
