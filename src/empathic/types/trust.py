"""Records of the user's trust in a workspace's sensitive settings (see ``docs/security.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class TrustRecord:
    """One ``empathic trust DIR``: the sensitive values the user accepted for that folder, and when.

    ``state`` is filled when listing: ``valid`` (the folder's ``empathic.toml`` still sets exactly these
    values), ``changed`` (it was edited since: trust again) or ``missing`` (the folder or file is gone).

    >>> r = TrustRecord("/w", "sha256:ab", {"narrate.base_url": "http://10.0.0.5/v1"}, "2026-01-01T00:00:00Z")
    >>> r.to_dict()["settings"]
    {'narrate.base_url': 'http://10.0.0.5/v1'}
    """

    workspace: str  # resolved path of the folder
    fingerprint: str  # "sha256:<hex>" of the trusted values, canonical JSON
    settings: Mapping[str, Any]  # "section.key" -> value, as written in the folder's empathic.toml
    trusted_at: str  # ISO 8601, UTC
    state: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def to_dict(self) -> dict[str, Any]:
        out = {
            "workspace": self.workspace,
            "fingerprint": self.fingerprint,
            "settings": dict(self.settings),
            "trusted_at": self.trusted_at,
        }
        return out | ({"state": self.state} if self.state else {})


@dataclass(frozen=True)
class TrustReview:
    """What ``empathic trust DIR`` found and did: the values that need trust, and whether they are trusted now.

    ``overridden``: sensitive settings that an ``EMPATHIC_*`` variable sets anyway (the variable wins).
    """

    workspace: str
    needs_trust: Mapping[str, Any]  # "section.key" -> the folder's value
    reasons: Mapping[str, str]  # "section.key" -> why the setting is sensitive
    trusted: bool
    record: TrustRecord | None = None
    overridden: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs_trust", MappingProxyType(dict(self.needs_trust)))
        object.__setattr__(self, "reasons", MappingProxyType(dict(self.reasons)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "trusted": self.trusted,
            "settings": [
                {"setting": k, "value": v, "why": self.reasons.get(k, "")} for k, v in self.needs_trust.items()
            ],
            "overridden_by_environment": list(self.overridden),
            "record": self.record.to_dict() if self.record else None,
        }
