"""errors, config and registry: the shared kernel."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from empathic import registry
from empathic.config import Settings, default_toml, load_settings
from empathic.errors import (
    BackendNotInstalledError,
    ConfigError,
    EmpathicError,
    UnknownBackendError,
    all_error_classes,
)


def test_error_codes_are_unique_and_stable() -> None:
    classes = all_error_classes()
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"EMP\d{3}", c) for c in codes)
    doc = sys.modules["empathic.errors"].__doc__ or ""
    for cls in classes:
        assert cls.__name__ in doc and cls.code in doc, f"{cls.__name__} is missing from the tree in errors.py"


def test_error_envelope() -> None:
    e = ConfigError("Bad thing.", hint="Do this.")
    assert e.to_dict() == {"code": "EMP100", "error": "ConfigError", "message": "Bad thing.", "hint": "Do this."}
    assert str(e) == "Bad thing. Fix: Do this." and isinstance(e, EmpathicError)


def test_default_toml_equals_defaults(tmp_path: Path) -> None:
    (tmp_path / "empathic.toml").write_text(default_toml())
    assert load_settings(tmp_path, environ={}) == Settings()


def test_env_overrides_toml(tmp_path: Path) -> None:
    (tmp_path / "empathic.toml").write_text("[ingest]\nchunk_size = 10\n")
    s = load_settings(
        tmp_path, environ={"EMPATHIC_INGEST_MAX_TEXT_CHARS": "99", "EMPATHIC_ANALYSE_ANALYSERS": "vader,length"}
    )
    assert (s.ingest.chunk_size, s.ingest.max_text_chars, s.analyse.analysers) == (10, 99, ("vader", "length"))


@pytest.mark.parametrize(
    ("toml", "env", "match"),
    [
        ("[ingest]\nchunk_size = 0\n", {}, r"'ingest.chunk_size' .* must be >= 1. Got 0"),
        ("[ingest]\nchunk_size = 'many'\n", {}, r"must be a int"),
        ("[nope]\nx = 1\n", {}, r"Unknown section \[nope\]"),
        ("[ingest]\nchunksize = 3\n", {}, r"Unknown setting 'ingest.chunksize'"),
        ("[store\n", {}, r"not valid TOML"),
        ("", {"EMPATHIC_INGEST_CHUNKSIZE": "3"}, r"Unknown variable EMPATHIC_INGEST_CHUNKSIZE"),
        ("", {"EMPATHIC_STORE_BACKEND": "oracle"}, r"must be one of sqlite, memory"),
    ],
)
def test_bad_settings_say_what_and_how(tmp_path: Path, toml: str, env: dict[str, str], match: str) -> None:
    (tmp_path / "empathic.toml").write_text(toml)
    with pytest.raises(ConfigError, match=match):
        load_settings(tmp_path, environ=env)


def test_registry_unknown_name_lists_available() -> None:
    with pytest.raises(UnknownBackendError) as e:
        registry.get("analyser", "bert-huge")
    assert "vader" in e.value.message and e.value.code == "EMP501"


def test_registry_missing_dependency_gives_install_command() -> None:
    registry.register("analyser", "needs-extra", "empathic_missing_pkg.mod:Thing", extra="train")
    try:
        with pytest.raises(BackendNotInstalledError) as e:
            registry.get("analyser", "needs-extra")
    finally:
        registry._entries["analyser"].pop("needs-extra")
    assert "pip install 'empathic[train]'" in (e.value.hint or "")


def test_registry_discovers_entry_points(monkeypatch) -> None:
    mod = types.ModuleType("plugin_mod")
    mod.Plugin = object  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plugin_mod", mod)

    class EP:
        name, value, dist = "my-plugin", "plugin_mod:Plugin", None

    monkeypatch.setattr(registry, "entry_points", lambda group: [EP()] if group == "empathic.report_section" else [])
    monkeypatch.setattr(registry, "_loaded_groups", set())
    assert "my-plugin" in registry.names("report_section")
    assert registry.get("report_section", "my-plugin") is object
    registry._entries["report_section"].pop("my-plugin")
