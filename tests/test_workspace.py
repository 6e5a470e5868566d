from __future__ import annotations

from pathlib import Path

import pytest

from empathic.errors import WorkspaceExistsError, WorkspaceLockedError, WorkspaceNotFoundError
from empathic.workspace import Workspace


def test_init_creates_config_and_database(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    assert (tmp_path / "w" / "empathic.toml").exists() and (tmp_path / "w" / "empathic.sqlite").exists()
    ws.close()
    with pytest.raises(WorkspaceExistsError):
        Workspace.init(tmp_path / "w")
    Workspace.init(tmp_path / "w", exist_ok=True).close()


def test_opening_a_plain_folder_says_how_to_init(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFoundError) as e:
        Workspace(tmp_path)
    assert "empathic init" in (e.value.hint or "")


def test_one_writer_at_a_time(workspace, tmp_path: Path) -> None:
    other = Workspace(workspace.path)
    with workspace.writing():
        with pytest.raises(WorkspaceLockedError) as e:
            other.analyze()
        assert e.value.code == "EMP203"
    assert dict(other.analyze().analysed) == {"vader": 0, "emotion": 0, "embedding": 0}, (
        "the lock is released afterwards"
    )
    other.close()


def test_memory_backend_from_settings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EMPATHIC_STORE_BACKEND", "memory")
    ws = Workspace.init(tmp_path / "m")
    assert type(ws.store).__name__ == "MemoryStore"
    ws.close()
