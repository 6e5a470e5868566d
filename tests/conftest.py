from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("EMPATHIC_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout; tests that need it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"real data folder {SHARED} is absent (set EMPATHIC_SHARED_DATA to its path)")
    return SHARED


@pytest.fixture
def workspace(tmp_path: Path):
    from empathic.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty user folder for one test (``$XDG_CONFIG_HOME/empathic``): its config.toml and trust file."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "empathic"
