"""One llama.cpp engine (SmolLM2-135M) per session, shared by the local and openai backend tests."""

from __future__ import annotations

import importlib.util

import pytest


@pytest.fixture(scope="session")
def local_llm():
    """The real ``local`` backend; skipped with the install command when xllamacpp or the GGUF is missing."""
    from empathic.errors import BackendNotInstalledError
    from empathic.narrate import get_llm

    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp is not installed (make test installs it: pip install 'empathic[llm]')")
    try:
        return get_llm("local")
    except BackendNotInstalledError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def chat_server(local_llm):
    """A real OpenAI-compatible server on 127.0.0.1 serving the local model with llama.cpp's own handler."""
    from empathic.testing.chat_server import ChatServer

    with ChatServer(local_llm.chat_completions, api_key="test-key") as server:
        yield server
