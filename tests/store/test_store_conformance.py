from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from empathic import registry
from empathic.store import open_store
from empathic.store.schema import metadata
from empathic.store.sqlite import SQLiteStore, migrate
from empathic.testing import check_store


@pytest.mark.parametrize("backend", registry.names("store"))
def test_every_registered_store_passes_the_conformance_suite(backend: str, tmp_path: Path) -> None:
    def factory():
        if backend == "sqlite":
            return open_store("sqlite", url=f"sqlite:///{tmp_path / 'conf.sqlite'}")
        return open_store(backend)

    check_store(factory)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = SQLiteStore(url=f"sqlite:///{tmp_path / 'w.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], diff
        assert set(inspect(conn).get_table_names()) >= {
            "documents",
            "quarantine",
            "analysed",
            "scores",
            "alembic_version",
        }
    engine.dispose()


def test_data_survives_reopening(tmp_path: Path) -> None:
    from empathic.types import Document, DocumentKind

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    s = SQLiteStore(url=url)
    s.write_batch([Document("a", "1", DocumentKind.REVIEW, "Kept")], [])
    s.close()
    s2 = SQLiteStore(url=url)
    assert [d.text for d in s2.iter_documents()] == ["Kept"]
    s2.close()


def test_unopenable_database_raises_store_error(tmp_path: Path) -> None:
    from empathic.errors import StoreError

    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError) as exc:
        SQLiteStore(url=f"sqlite:///{tmp_path / 'dir.sqlite'}")
    assert exc.value.code == "EMP300" and "Fix:" in str(exc.value)
