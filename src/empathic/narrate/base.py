"""The ``LLM`` protocol every narrative backend implements, and :func:`get_llm` to pick one by name.

>>> llm = get_llm("extractive")
>>> llm.name, llm.external
('extractive', False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from empathic import registry
from empathic.config import NarrateSettings
from empathic.errors import RegistryError


@runtime_checkable
class LLM(Protocol):
    """Chat completion: messages in, text out.

    ``external`` is True when :meth:`complete` sends the text outside this process (the narrator
    then scrubs e-mail addresses, phone numbers and @handles first). ``seed`` makes a call
    repeatable where the backend allows it.
    """

    name: str
    external: bool

    def complete(
        self, messages: Sequence[Mapping[str, str]], *, max_tokens: int = 160, temperature: float = 0.7, seed: int = 0
    ) -> str:
        """The assistant's reply to ``messages`` (``[{"role": ..., "content": ...}]``)."""
        ...


def get_llm(name: str, settings: NarrateSettings | None = None) -> LLM:
    """Build the ``llm`` backend ``name`` from settings (a class with ``from_settings``, or a no-argument factory)."""
    factory = registry.get("llm", name)
    settings = settings or NarrateSettings()
    from_settings = getattr(factory, "from_settings", None)
    return from_settings(settings) if callable(from_settings) else factory()


def runs_locally(name: str) -> bool:
    """True when the registered backend ``name`` declares ``external = False`` (text stays in this process).

    Unknown, uninstalled and undeclared backends count as external: they are not known to stay here.

    >>> runs_locally("extractive"), runs_locally("openai"), runs_locally("no-such-backend")
    (True, False, False)
    """
    try:
        factory = registry.get("llm", name)
    except RegistryError:
        return False
    return getattr(factory, "external", True) is False
