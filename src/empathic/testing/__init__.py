"""Conformance suites for backends: run them against every implementation, built-in or plugin.

>>> from empathic.store.memory import MemoryStore
>>> check_store(MemoryStore)
"""

from __future__ import annotations

from empathic.testing.checks import check_analyser, check_emotion_model, check_store
from empathic.testing.conformance import injection_checks
from empathic.testing.llm import check_llm
from empathic.testing.rankers import check_ranker

__all__ = ["check_analyser", "check_emotion_model", "check_llm", "check_ranker", "check_store", "injection_checks"]
