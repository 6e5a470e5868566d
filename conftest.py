"""Fixtures for every test, the doctests under src/ included (so this file sits at the repository root)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test reads the real user's config, trust file or EMPATHIC_* settings: HOME and XDG_CONFIG_HOME
    point at an empty folder and the settings variables are unset, for the whole session (subprocesses too)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        for var in os.environ:
            if var.startswith("EMPATHIC_") and var != "EMPATHIC_SHARED_DATA":
                mp.delenv(var)
        yield home
