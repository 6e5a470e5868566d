"""Backends by name: choose-one registries with entry-point groups ``empathic.<kind>``.

Built-in backends are listed as ``"module:attribute"`` strings in :mod:`empathic.builtins`
and imported only when asked for, so a backend whose extra is not installed costs nothing
until used — and then raises :class:`~empathic.errors.BackendNotInstalledError` with the
install command. Third parties register the same way, through entry points::

    [project.entry-points."empathic.analyser"]
    my-model = "my_pkg.model:MyAnalyser"

>>> from empathic import registry
>>> "sqlite" in registry.names("store")
True
>>> registry.get("store", "nope")
Traceback (most recent call last):
...
empathic.errors.UnknownBackendError: No store backend named 'nope'. Available: memory, sqlite. ...
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from empathic.errors import BackendNotInstalledError, RegistryError, UnknownBackendError

KINDS = (
    "store",
    "analyser",
    "emotion_model",
    "report_section",
    "ranker",
    "llm",
    "uplift_model",
    "pretest_model",
    "bandit_policy",
)


@dataclass(frozen=True)
class Entry:
    """One registered backend: where it lives and which extra installs its dependencies."""

    kind: str
    name: str
    target: str  # "package.module:attribute"
    extra: str | None = None
    summary: str = ""
    origin: str = "builtin"


_entries: dict[str, dict[str, Entry]] = {}
_loaded_builtins = False
_loaded_groups: set[str] = set()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise RegistryError(f"Unknown registry kind {kind!r}.", hint=f"Kinds: {', '.join(KINDS)}.")


def register(
    kind: str, name: str, target: str, *, extra: str | None = None, summary: str = "", origin: str = "user"
) -> None:
    """Register ``target`` ("module:attr") as backend ``name`` of ``kind``; a later call replaces."""
    _check_kind(kind)
    if ":" not in target:
        raise RegistryError(f"Backend target must look like 'module:attribute'. Got {target!r}.")
    _entries.setdefault(kind, {})[name] = Entry(kind, name, target, extra, summary, origin)


def _ensure_loaded(kind: str) -> None:
    global _loaded_builtins
    if not _loaded_builtins:
        _loaded_builtins = True
        from empathic.builtins import BUILTINS

        for k, name, target, extra, summary in BUILTINS:
            register(k, name, target, extra=extra, summary=summary, origin="builtin")
    group = f"empathic.{kind}"
    if group not in _loaded_groups:
        _loaded_groups.add(group)
        for ep in entry_points(group=group):
            if ep.name not in _entries.get(kind, {}):
                register(kind, ep.name, ep.value, origin=f"entry point ({ep.dist.name if ep.dist else '?'})")


def entries(kind: str) -> list[Entry]:
    """All registered backends of ``kind``, sorted by name."""
    _check_kind(kind)
    _ensure_loaded(kind)
    return sorted(_entries.get(kind, {}).values(), key=lambda e: e.name)


def names(kind: str) -> list[str]:
    """Names of the registered backends of ``kind``."""
    return [e.name for e in entries(kind)]


def get(kind: str, name: str) -> Any:
    """The object registered as ``name`` of ``kind`` (usually a class or factory)."""
    _check_kind(kind)
    _ensure_loaded(kind)
    entry = _entries.get(kind, {}).get(name)
    if entry is None:
        raise UnknownBackendError(
            f"No {kind} backend named {name!r}. Available: {', '.join(names(kind)) or 'none'}.",
            hint="Check the spelling, or install the plugin that provides it (`empathic backends` lists them).",
        )
    module_name, _, attr = entry.target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        install = f"pip install 'empathic[{entry.extra}]'" if entry.extra else "reinstall empathic"
        raise BackendNotInstalledError(
            f"The {kind} backend {name!r} needs a package that is not installed ({exc.name or exc}).",
            hint=f"Run: {install}",
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise RegistryError(f"Backend {name!r} points at {entry.target}, which does not exist.") from None
