from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from empathic import registry
from empathic.store import open_store
from empathic.store.base import DocumentStore, ExperimentStore, ResultStore, ScoreStore, Store
from empathic.store.memory import MemoryStore
from empathic.store.schema import metadata
from empathic.store.sqlite import SQLiteStore, migrate
from empathic.testing import check_store, parametrize_with_checks, run_checks


def _fresh_sqlite() -> SQLiteStore:
    """A new database file in the current directory (the test moves into its ``tmp_path``)."""
    return SQLiteStore(url=f"sqlite:///conf-{next(_SEQ)}.sqlite")


_SEQ = itertools.count()
_FACTORIES = {
    name: _fresh_sqlite if name == "sqlite" else functools.partial(open_store, name) for name in registry.names("store")
}


@parametrize_with_checks("store", _FACTORIES)
def test_every_registered_store_passes_each_check(obj, check, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    check()


def test_store_checks_are_grouped_by_protocol() -> None:
    groups = {name.split(":")[0] for name, _ in check_store(MemoryStore)}
    assert groups == {"documents", "scores", "results", "experiments"}, groups
    assert all(isinstance(MemoryStore(), p) for p in (DocumentStore, ScoreStore, ResultStore, ExperimentStore))


def test_a_broken_backend_fails_the_checks_that_see_it_and_only_those() -> None:
    class ForgetfulResults(MemoryStore):
        def save_results(self, kind, items):  # keeps nothing: breaks the ResultStore contract only
            pass

    with pytest.raises(AssertionError) as exc:
        run_checks(check_store(ForgetfulResults))
    failed = [line.split(":")[0:2] for line in str(exc.value).splitlines()[1:]]
    assert failed == [["  results", "results_replace_per_kind"]], str(exc.value)


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


PROTOCOLS = (DocumentStore, ScoreStore, ResultStore, ExperimentStore)


def _methods(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}


def test_each_store_method_belongs_to_one_concern_and_every_backend_defines_it() -> None:
    from empathic.store.sqlite import SQLiteStore

    seen: dict[str, str] = {}
    for protocol in PROTOCOLS:
        for name in _methods(protocol) - {"close"}:
            assert name not in seen, f"{name} is in both {seen[name]} and {protocol.__name__}"
            seen[name] = protocol.__name__
    assert len(seen) == 30 and not _methods(Store), "Store adds nothing: it is the union of the four"
    for backend in (MemoryStore, SQLiteStore):
        for protocol in PROTOCOLS:
            for name in _methods(protocol):
                # backends subclass the protocols: a method they forgot would silently be the protocol's stub
                assert getattr(backend, name) is not getattr(protocol, name), f"{backend.__name__} lacks {name}"
