"""The SQLite file itself: refused when missing, empty or not SQLite; opened read-only; faults as EMP errors.

Kept apart from :mod:`empathic.store.sqlite` (the queries) so the file-level safety reads in one place.

>>> sqlite_fault(sqlite3.OperationalError("attempt to write a readonly database"), "ws/e.sqlite").code
'EMP210'
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url

from empathic.errors import (
    DatabaseCorruptError,
    DatabaseMissingError,
    DiskFullError,
    EmpathicError,
    EmptyDatabaseError,
    StoreError,
    WorkspacePermissionError,
    WorkspaceReadOnlyError,
)
from empathic.fsutil import create_private_file

SQLITE_HEADER = b"SQLite format 3\x00"


def _restore(path: Path | str) -> str:
    folder = Path(path).parent  # the workspace folder in the default layout
    return f"Restore the file from a backup, or move it aside and create an empty one with: empathic init {folder}"


def read_only_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL (None for another database, memory or a ``file:`` URI).

    >>> sqlite_file("sqlite:////tmp/ws/empathic.sqlite"), sqlite_file("sqlite:///:memory:")
    (PosixPath('/tmp/ws/empathic.sqlite'), None)
    """
    u = make_url(url)
    db = u.database
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def check_database_file(path: Path, *, create: bool) -> None:
    """Refuse a missing (unless ``create``), empty or non-SQLite file before SQLite can touch it.

    A new file is created here with mode 0600; SQLite gives its ``-wal`` and ``-shm`` the same mode.
    """
    try:
        if not path.exists():
            if not create:
                raise DatabaseMissingError(
                    f"The database {path} does not exist.",
                    hint=f"Restore it from a backup, or create an empty one with: empathic init {path.parent}",
                )
            create_private_file(path)
            return
        size = path.stat().st_size
        if size == 0:
            if create:
                return
            raise EmptyDatabaseError(
                f"The database {path} is empty (0 bytes): it was truncated or never written, so there is no data.",
                hint=_restore(path) + ". Empathic never turns an empty file into a fresh workspace by itself.",
            )
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        raise WorkspacePermissionError(
            f"Cannot read the database {path}: {exc.strerror}.",
            hint="Run as a user who may read the workspace, or fix its permissions (chmod u+rw).",
        ) from exc
    except OSError as exc:
        raise StoreError(
            f"Could not open the database at {path}: {exc.strerror or exc}.",
            hint="Check the path or URL in empathic.toml: it must name a database file.",
        ) from exc
    if head != SQLITE_HEADER:
        raise DatabaseCorruptError(
            f"{path} is not an SQLite database (its first bytes are {head[:16]!r}); it is damaged or not ours.",
            hint=_restore(path) + ". The file was left as it is.",
        )


def sqlite_fault(exc: BaseException, where: str) -> EmpathicError | None:
    """The EMP error for an sqlite3 error (by its result code), or None to leave it as it is.

    >>> sqlite_fault(sqlite3.OperationalError("database or disk is full"), "db").code
    'EMP312'
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return DiskFullError(
            f"No space left while writing to {where} ({text}).",
            hint=f"Free space on the disk that holds {where}, then run the same command again: nothing was lost, "
            "the batch being written was rolled back and everything stored before it is intact.",
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return WorkspaceReadOnlyError(
            f"{where} is read-only ({text}); this command needs to write.",
            hint="Make the workspace writable (chmod -R u+w, or remount read-write), "
            "or copy it to a writable folder and run the command there.",
        )
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB" or "malformed" in text or "not a database" in text:
        return DatabaseCorruptError(f"The database {where} is damaged ({text}).", hint=_restore(where) + ".")
    if name.startswith("SQLITE_IOERR") or name == "SQLITE_CANTOPEN":
        return StoreError(
            f"SQLite could not read or write {where} ({text}).",
            hint="Check that the disk is mounted and healthy and that the workspace folder and its files are "
            "readable and writable by you.",
        )
    return None


def connect_read_only(path: Path) -> sqlite3.Connection:
    # immutable=1 reads without the -shm/-wal files SQLite would have to create beside the database
    # (impossible on a read-only disk); only a pending write-ahead log needs mode=ro to be read.
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro" + ("" if pending else "&immutable=1")
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def check_revision(engine: Engine, where: str) -> None:
    """A read-only database must already be at the newest schema (it cannot be migrated)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory(str(Path(__file__).parent / "migrations")).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current != heads:
        raise WorkspaceReadOnlyError(
            f"{where} is read-only and its schema ({', '.join(sorted(current)) or 'none'}) needs an upgrade "
            f"to {', '.join(sorted(heads))}.",
            hint="Open it once with write access (or a writable copy) so Empathic can upgrade it.",
        )
