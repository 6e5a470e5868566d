"""The user's own folder (``$XDG_CONFIG_HOME/empathic``) and its record of trusted workspaces.

A workspace received from someone else is data, not instructions. The settings of its ``empathic.toml``
that reach the network, name environment variables or load files from elsewhere apply only once
``empathic trust DIR`` has recorded them in ``trusted.json`` here, keyed by the folder's resolved path
and a sha256 of exactly those values: any later edit of them voids the trust. This module only stores
the records; :mod:`empathic.config` decides which settings need trust.

>>> import tempfile
>>> home = Path(tempfile.mkdtemp())
>>> rec = record(home, Path("/srv/ws"), {"narrate.base_url": "http://10.0.0.5/v1"})
>>> lookup(home, Path("/srv/ws")).fingerprint == fingerprint({"narrate.base_url": "http://10.0.0.5/v1"})
True
>>> revoke(home, Path("/srv/ws")), lookup(home, Path("/srv/ws"))
(True, None)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from empathic.errors import TrustError
from empathic.types import TrustRecord

APP_DIR = "empathic"
USER_CONFIG = "config.toml"  # the user's own settings, honoured in full
TRUST_FILE = "trusted.json"
FORMAT_VERSION = 1


def config_home(environ: Mapping[str, str] | None = None) -> Path:
    """The user's Empathic folder: ``$XDG_CONFIG_HOME/empathic``, else ``~/.config/empathic``.

    >>> config_home({"XDG_CONFIG_HOME": "/cfg"}), config_home({"HOME": "/home/ana"})
    (PosixPath('/cfg/empathic'), PosixPath('/home/ana/.config/empathic'))
    """
    environ = os.environ if environ is None else environ
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
        return Path(xdg) / APP_DIR
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".config" / APP_DIR


def fingerprint(values: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the values as canonical JSON (sorted keys), so equal values give equal prints.

    >>> fingerprint({"b": 1, "a": "x"}) == fingerprint({"a": "x", "b": 1})
    True
    """
    canonical = json.dumps(dict(values), sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def records(home: Path) -> list[TrustRecord]:
    """Every recorded trust, oldest first."""
    out = [_record(path, entry) for path, entry in _read(home).items()]
    return sorted(out, key=lambda r: (r.trusted_at, r.workspace))


def lookup(home: Path, workspace: Path) -> TrustRecord | None:
    """The trust recorded for this folder (by resolved path), if any."""
    key = str(Path(workspace).resolve())
    entry = _read(home).get(key)
    return None if entry is None else _record(key, entry)


def record(home: Path, workspace: Path, values: Mapping[str, Any]) -> TrustRecord:
    """Record trust in exactly ``values`` for this folder (replacing an earlier record of it)."""
    key = str(Path(workspace).resolve())
    entries = _read(home)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries[key] = {"fingerprint": fingerprint(values), "settings": dict(values), "trusted_at": stamp}
    _write(home, entries)
    return _record(key, entries[key])


def revoke(home: Path, workspace: Path) -> bool:
    """Forget this folder's trust; False when there was none."""
    key = str(Path(workspace).resolve())
    entries = _read(home)
    if entries.pop(key, None) is None:
        return False
    _write(home, entries)
    return True


def _record(path: str, entry: Mapping[str, Any]) -> TrustRecord:
    return TrustRecord(path, entry["fingerprint"], entry["settings"], entry["trusted_at"])


def _read(home: Path) -> dict[str, dict[str, Any]]:
    path = home / TRUST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TrustError(
            f"The trust file {path} cannot be read: {exc}.",
            hint=f"Delete {path} and run `empathic trust DIR` again for the folders you trust.",
        ) from None
    entries = data.get("workspaces") if isinstance(data, dict) else None
    valid = isinstance(entries, dict) and all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) and isinstance(e.get("settings"), dict)
        and isinstance(e.get("trusted_at"), str)
        for e in entries.values()
    )  # fmt: skip
    if not valid:
        raise TrustError(
            f"The trust file {path} is not in the expected form (version {FORMAT_VERSION}).",
            hint=f"Delete {path} and run `empathic trust DIR` again for the folders you trust.",
        )
    return entries  # type: ignore[return-value]


def _write(home: Path, entries: Mapping[str, Any]) -> None:
    """Atomic replace, readable by the user only (the file names the user's endpoints and folders)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = json.dumps({"version": FORMAT_VERSION, "workspaces": entries}, indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=".trusted-", suffix=".json", dir=home)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, home / TRUST_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
