"""Docs stay honest: every command, setting, registry name and quarantine reason is documented."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from empathic import registry
from empathic.cli.main import app
from empathic.config import Settings
from empathic.types import QuarantineReason

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


@pytest.mark.parametrize("command", sorted(c.name or c.callback.__name__ for c in app.registered_commands))
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"empathic {command}" in README


def test_every_setting_is_in_the_readme() -> None:
    for section in fields(Settings):
        for key in fields(section.default_factory()):  # type: ignore[misc]
            assert f"`{section.name}.{key.name}`" in README, f"{section.name}.{key.name}"


def test_every_registered_builtin_is_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for kind in registry.KINDS:
        for entry in registry.entries(kind):
            if entry.origin == "builtin":
                assert f"| {kind} | `{entry.name}` |" in doc, (kind, entry.name)


def test_every_quarantine_reason_is_documented() -> None:
    doc = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    for reason in QuarantineReason:
        assert f"`{reason.value}`" in doc and f"`{reason.value}`" in README
