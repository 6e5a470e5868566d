"""Named checks: what every ``check_<kind>`` suite yields, and how to run them.

A suite is a generator of ``(name, check)`` pairs; ``check()`` runs one contract and raises
``AssertionError`` saying what is wrong. Like scikit-learn's ``parametrize_with_checks``, one failing
check does not hide the others: parametrise a test over them with :func:`parametrize_with_checks`, or run
them all at once with :func:`run_checks`, which reports every failure together.

>>> def check_even(n):
...     yield "even", lambda: None if n % 2 == 0 else _fail(f"{n} is odd")
...     yield "small", lambda: None if n < 10 else _fail(f"{n} >= 10")
>>> def _fail(msg):
...     raise AssertionError(msg)
>>> run_checks(check_even(4))
['even', 'small']
>>> run_checks(check_even(13))
Traceback (most recent call last):
...
AssertionError: 2 of 2 checks failed:
  even: 13 is odd
  small: 13 >= 10
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Check = Callable[[], None]
NamedChecks = Iterator[tuple[str, Check]]


def run_checks(checks: Iterable[tuple[str, Check]]) -> list[str]:
    """Run every check; raise one ``AssertionError`` listing all failures, else return the names run."""
    ran: list[str] = []
    failures: list[str] = []
    for name, check in checks:
        ran.append(name)
        try:
            check()
        except AssertionError as exc:
            failures.append(f"  {name}: {exc}")
    if failures:
        raise AssertionError(f"{len(failures)} of {len(ran)} checks failed:\n" + "\n".join(failures))
    return ran


def registered(kind: str) -> dict[str, Any]:
    """Every registered backend of ``kind`` by name, as ``pytest.param`` skipped when its extra is missing."""
    import pytest

    from empathic import registry
    from empathic.errors import BackendNotInstalledError

    out: dict[str, Any] = {}
    for name in registry.names(kind):
        try:
            out[name] = pytest.param(registry.get(kind, name), id=name)
        except BackendNotInstalledError as exc:
            out[name] = pytest.param(None, id=name, marks=pytest.mark.skip(reason=f"{exc} {exc.hint or ''}".strip()))
    return out


def named(*checks: Check) -> NamedChecks:
    """``(check.__name__, check)`` for each check: how suites name the closures they define."""
    for check in checks:
        yield check.__name__, check


def lazy(obj_or_factory: Any, protocol: type) -> Callable[[], Any]:
    """A cached getter: ``obj_or_factory`` itself when it is an instance of ``protocol``, else ``obj_or_factory()``.

    Suites build their backend only when a check first runs, so listing checks (pytest collection) stays cheap.
    """

    @functools.cache
    def get() -> Any:
        is_obj = isinstance(obj_or_factory, protocol) and not isinstance(obj_or_factory, type)  # a class is a factory
        obj = obj_or_factory if is_obj else obj_or_factory()
        assert isinstance(obj, protocol), f"{type(obj).__name__} does not implement the {protocol.__name__} protocol"
        return obj

    return get
