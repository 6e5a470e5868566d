"""Which suite checks which registry kind, and one pytest test per named check of every backend.

It imports every suite module, so it sits above them (the suites themselves import only :mod:`.suite`).

>>> suite_for("bandit_policy").__name__
'check_bandit_policy'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from empathic.errors import RegistryError
from empathic.registry import KINDS
from empathic.testing.bandits import check_bandit_policy
from empathic.testing.checks import check_analyser, check_emotion_model, check_store
from empathic.testing.llm import check_llm
from empathic.testing.pretest import check_pretest_model
from empathic.testing.rankers import check_ranker
from empathic.testing.report import check_report_section
from empathic.testing.suite import NamedChecks
from empathic.testing.uplift import check_uplift_model

SUITES: dict[str, Callable[..., NamedChecks]] = {
    "store": check_store,
    "analyser": check_analyser,
    "emotion_model": check_emotion_model,
    "report_section": check_report_section,
    "ranker": check_ranker,
    "llm": check_llm,
    "uplift_model": check_uplift_model,
    "pretest_model": check_pretest_model,
    "bandit_policy": check_bandit_policy,
}


def suite_for(kind: str) -> Callable[..., NamedChecks]:
    """The ``check_<kind>`` suite of a registry kind (see :data:`empathic.registry.KINDS`)."""
    if kind not in KINDS or kind not in SUITES:
        raise RegistryError(f"No conformance suite for kind {kind!r}.", hint=f"Kinds: {', '.join(KINDS)}.")
    return SUITES[kind]


def parametrize_with_checks(kind: str, backends: Mapping[str, Any], **options: Any) -> Any:
    """A ``pytest.mark.parametrize("obj, check", ...)`` over every named check of every backend.

    ``backends`` maps an id to what ``check_<kind>`` accepts (an object or a factory); ``options`` go to
    the suite. Test ids read ``<backend>-<check name>``. The decorated test just calls ``check()``::

        @parametrize_with_checks("bandit_policy", {"thompson": ThompsonSampling})
        def test_policy(obj, check):
            check()
    """
    import pytest

    suite = suite_for(kind)
    param_set = type(pytest.param(None))
    params = []
    for ident, obj in backends.items():
        is_param = isinstance(obj, param_set)  # a pytest.param(...) (e.g. from registered()) keeps its marks
        target, marks = (obj.values[0], obj.marks) if is_param else (obj, ())
        for name, check in suite(target, **options):
            params.append(pytest.param(target, check, id=f"{ident}-{name}", marks=marks))
    return pytest.mark.parametrize("obj, check", params)
