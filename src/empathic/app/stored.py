"""Reading stored results back as typed records: a payload that does not parse is an EMP050 error with the fix.

A workspace's stored results are data (a received workspace may hold damaged or hand-edited ones); a payload
that is not the record's form raises :class:`~empathic.errors.StoredResultError`, never a traceback.

>>> from empathic.types import Persona
>>> read_stored("persona", "West", {"size": "many"}, lambda p: Persona.from_payload("West", p), "empathic personas")
Traceback (most recent call last):
empathic.errors.StoredResultError: The stored persona result 'West' cannot be read: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from empathic.errors import StoredResultError
from empathic.store import Store

T = TypeVar("T")
LATEST = "latest"  # the name of a result kind that keeps only the last run (themes, mirror)


def save_latest(store: Store, kind: str, payload: Mapping[str, Any]) -> None:
    """Store ``payload`` as the one result of ``kind``, replacing the last run."""
    store.save_results(kind, {LATEST: payload})


def load_latest(store: Store, kind: str, parse: Callable[[Mapping[str, Any]], T], command: str) -> T | None:
    """The last run of ``kind`` stored by :func:`save_latest`, parsed; None if never stored."""
    payload = store.results(kind).get(LATEST)
    return None if payload is None else read_stored(kind, LATEST, payload, parse, command)


def read_stored(kind: str, name: str, payload: Any, parse: Callable[[Mapping[str, Any]], T], command: str) -> T:
    """``parse(payload)``, or EMP050 saying which result is damaged and the command that stores it again."""
    try:
        if not isinstance(payload, Mapping):
            raise TypeError(f"expected an object, got {type(payload).__name__}")
        return parse(payload)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise StoredResultError(
            f"The stored {kind} result {name!r} cannot be read: {type(exc).__name__}: {exc}.",
            hint=f"Store it again with `{command}` (it replaces the damaged one).",
        ) from None
