"""Conformance suites for backends: run them against every implementation, built-in or plugin.

Every registry kind (:data:`empathic.registry.KINDS`) has a ``check_<kind>`` suite that yields named
checks ``(name, check)``; ``check()`` raises ``AssertionError`` saying what is wrong. Run them all with
:func:`run_checks` (every failure reported together) or one test per check with
:func:`parametrize_with_checks`, like scikit-learn's estimator checks::

    from empathic.testing import parametrize_with_checks

    @parametrize_with_checks("store", {"mine": MyStore})
    def test_my_store(obj, check):
        check()

>>> from empathic.store.memory import MemoryStore
>>> names = run_checks(check_store(MemoryStore))
>>> names[:2]
['documents:implements_DocumentStore', 'documents:new_store_is_empty']
"""

from __future__ import annotations

from empathic.testing.bandits import check_bandit_policy
from empathic.testing.checks import check_analyser, check_emotion_model, check_store
from empathic.testing.conformance import injection_checks
from empathic.testing.kinds import parametrize_with_checks, suite_for
from empathic.testing.llm import check_llm
from empathic.testing.pretest import check_pretest_model
from empathic.testing.rankers import check_ranker
from empathic.testing.report import check_report_section
from empathic.testing.suite import Check, registered, run_checks
from empathic.testing.uplift import check_uplift_model

__all__ = [
    "Check",
    "check_analyser",
    "check_bandit_policy",
    "check_emotion_model",
    "check_llm",
    "check_pretest_model",
    "check_ranker",
    "check_report_section",
    "check_store",
    "check_uplift_model",
    "injection_checks",
    "parametrize_with_checks",
    "registered",
    "run_checks",
    "suite_for",
]
