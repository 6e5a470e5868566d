"""The :class:`Workspace` facade: a folder with ``empathic.toml`` and a database.

It only delegates — to :mod:`empathic.config`, the store registry and :mod:`empathic.jobs` —
and holds the workspace's single-writer lock around jobs that write.

A new workspace is private: its folder is 0700 and its files (``empathic.toml``, the database and
its ``-wal``/``-shm``, the lock) are 0600. Only :meth:`Workspace.init` creates a database. A
workspace that cannot be written (read-only disk, immutable files, no write permission) opens
read-only: reads work and no lock file is needed; a command that must write fails with EMP210.

>>> import tempfile
>>> ws = Workspace.init(tempfile.mkdtemp() + "/brand")
>>> ws.status().documents
0
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from empathic import jobs
from empathic.config import CONFIG_FILE, Settings, default_toml, load_settings, shown
from empathic.errors import (
    DiskFullError,
    EmpathicError,
    OutputPathError,
    WorkspaceExistsError,
    WorkspaceLinkError,
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspacePermissionError,
    WorkspaceReadOnlyError,
)
from empathic.fsutil import PRIVATE_FILE, atomic_write, is_disk_full, make_private_dir
from empathic.store import Store, open_store
from empathic.store.sqlite_file import sqlite_file
from empathic.types import (
    AnalysisSummary,
    BanditRecommendation,
    BanditState,
    ColumnMapping,
    DesignIdea,
    DocumentKind,
    DriverEffect,
    ExperimentIngestSummary,
    ExperimentListing,
    ExperimentResult,
    IngestSummary,
    MirrorResult,
    Narrative,
    NeedSentence,
    Persona,
    PropensityResult,
    QuarantinedRow,
    Theme,
    WorkspaceStatus,
)

LOCK_FILE = ".empathic.lock"
_MAKE_WRITABLE = (
    "Make it writable (chmod -R u+w FOLDER, or remount the disk read-write), "
    "or copy the folder somewhere writable and run the command on the copy (cp -r FOLDER COPY)."
)


def os_fault(exc: OSError, path: Path | None = None, doing: str = "use") -> EmpathicError:
    """The EMP error for an OS error met while ``doing`` something to ``path`` (default: the error's file).

    >>> os_fault(OSError(28, "No space left on device", "/ws/x")).code
    'EMP312'
    """
    path = path or Path(exc.filename or ".")
    if is_disk_full(exc):
        return DiskFullError(
            f"No space left on the disk of {path} while {doing}.",
            hint="Free space on that disk and run the command again; nothing half-written was kept.",
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return WorkspacePermissionError(
            f"Cannot {doing} {path}: {exc.strerror}.",
            hint="Pick a folder you can write to, fix its permissions (chmod u+rwx), or remount the disk read-write.",
        )
    return WorkspacePermissionError(f"Cannot {doing} {path}: {exc.strerror or exc}.", hint="Check the disk and path.")


class Workspace:
    """One brand's (or project's) data, settings and results."""

    def __init__(self, path: str | Path, settings: Settings | None = None) -> None:
        self.path = Path(path).resolve()
        if not (self.path / CONFIG_FILE).exists():
            raise WorkspaceNotFoundError(
                f"{self.path} is not an Empathic workspace (no {CONFIG_FILE}).",
                hint=f"Create one with: empathic init {path}",
            )
        try:
            self.settings = settings or load_settings(self.path)
        except OSError as exc:
            raise os_fault(exc, self.path / CONFIG_FILE, "read") from exc
        self._store: Store | None = None
        self._create = False
        db = self._database_file()
        files = [] if db is None else [self.path, db.parent] + ([db] if db.exists() else [])
        self.read_only = not all(os.access(f, os.W_OK) for f in files)
        """True when the SQLite file or its folder cannot be written (a read-only disk binds root too)."""

    @classmethod
    def init(cls, path: str | Path, *, exist_ok: bool = False) -> Workspace:
        """Create a workspace folder with a commented ``empathic.toml`` and an empty database."""
        p = Path(path)
        if (p / CONFIG_FILE).exists() and not exist_ok and cls._has_database(p):
            raise WorkspaceExistsError(
                f"{p} is already an Empathic workspace.",
                hint="Use it as it is, or pick another folder.",
            )
        try:
            make_private_dir(p)
            if not (p / CONFIG_FILE).exists():
                atomic_write(p / CONFIG_FILE, default_toml(), mode=PRIVATE_FILE)
        except OSError as exc:
            raise os_fault(exc, p, "create the workspace in") from exc
        ws = cls(p)
        if ws.read_only:
            raise WorkspaceReadOnlyError(
                f"{ws.path} is read-only; a workspace cannot be created there.", hint=_MAKE_WRITABLE
            )
        ws._create = True
        ws.store  # noqa: B018 - creates and migrates the database
        return ws

    @staticmethod
    def _has_database(path: Path) -> bool:
        """False only for a workspace whose SQLite file is missing: init may then create it."""
        try:
            db = Workspace(path)._database_file()
        except EmpathicError:
            return True
        return db is None or db.exists()

    @property
    def store(self) -> Store:
        if self._store is None:
            cfg = self.settings.store
            options: dict[str, Any] = {}
            if cfg.backend == "sqlite":
                options.update(url=self._resolve_url(cfg.url), create=self._create, read_only=self.read_only)
            try:
                self._store = open_store(cfg.backend, **options)
            except OSError as exc:
                raise os_fault(exc, self.path, "open the database in") from exc
        return self._store

    def _database_file(self) -> Path | None:
        cfg = self.settings.store
        return sqlite_file(self._resolve_url(cfg.url)) if cfg.backend == "sqlite" else None

    def _resolve_url(self, url: str) -> str:
        """A relative SQLite path made absolute inside the folder; one that leaves it through a link is refused.

        A received folder can ship ``empathic.sqlite`` (or its ``-wal`` file, which SQLite writes to) as a link
        to a file elsewhere: a path that lies inside the folder by name but not once its links are followed
        raises EMP204.
        """
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
            path = self.path / url[len(prefix) :]
            if Path(os.path.normpath(path)).is_relative_to(self.path):
                for file in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
                    if not file.resolve().is_relative_to(self.path):
                        raise WorkspaceLinkError(
                            f"The database file {shown(file)} is a link to {shown(file.resolve())}, outside the "
                            "workspace.",
                            hint="Remove the link, or give that database's absolute path as store.url in your own "
                            "~/.config/empathic/config.toml or EMPATHIC_STORE_URL.",
                        )
            return prefix + str(path)
        return url

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the single-writer lock; a second writer fails at once with EMP203, a read-only workspace with EMP210."""
        if self.read_only:
            raise WorkspaceReadOnlyError(
                f"The workspace {self.path} is read-only, and this command stores results.",
                hint=_MAKE_WRITABLE + " Reading commands (status, quarantine, report --out ELSEWHERE) work as it is.",
            )
        try:
            fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        except OSError as exc:
            raise os_fault(exc, self.path / LOCK_FILE, "create the lock file") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise WorkspaceLockedError(
                    f"Another Empathic process is writing to {self.path}.",
                    hint="Wait for it to finish (ingest and analyze take the lock), then run this again.",
                ) from None
            yield
        finally:
            os.close(fd)

    def ingest(
        self, path: str | Path, mapping: ColumnMapping, kind: DocumentKind | str, **options: Any
    ) -> IngestSummary:
        """Ingest a file; see :func:`empathic.jobs.run_ingest` for the options."""
        with self.writing():
            return jobs.run_ingest(self.store, path, mapping, kind, settings=self.settings, **options)

    def analyze(self, analysers: Sequence[str] | None = None, **options: Any) -> AnalysisSummary:
        """Run the configured (or given) analysers over documents not yet analysed."""
        with self.writing():
            return jobs.run_analyse(
                self.store,
                analysers or self.settings.analyse.analysers,
                settings=self.settings.analyse,
                **options,
            )

    def mirror(self, **options: Any) -> MirrorResult:
        """Emotional echo of responses; see :func:`empathic.jobs.run_mirror`."""
        return jobs.run_mirror(self.store, **options)

    def themes(self, **options: Any) -> list[Theme]:
        """Themes of the customer voice; see :func:`empathic.analyse.from_store.themes_from_store`."""
        return jobs.run_themes(self.store, **options)

    def needs(self, **options: Any) -> tuple[list[NeedSentence], list[DesignIdea]]:
        """Need sentences and the design-idea backlog."""
        return jobs.run_needs(self.store, **options)

    def drivers(self, **options: Any) -> list[DriverEffect]:
        """Key drivers of a target (rating, recommendation)."""
        return jobs.run_drivers(self.store, **options)

    def personas(self, **options: Any) -> list[Persona]:
        """Audience personas (stored, so later stages can target them by name)."""
        with self.writing():
            return jobs.run_personas(self.store, **options)

    def testimonials(self, audience: Any = None, **options: Any) -> Any:
        """Consented testimonials ranked for an audience; see :func:`empathic.jobs.run_testimonials`."""
        return jobs.run_testimonials(self.store, audience, **options)

    def narrate(self, audience: Any = None, **options: Any) -> Narrative:
        """A guarded narrative for a persona or audience, with the workspace's ``[narrate]`` settings."""
        return jobs.run_narrative(self.store, audience, settings=self.settings.narrate, **options)

    def propensity(self, **options: Any) -> PropensityResult:
        """Purchase propensity from stored emotions (stored by target); see :func:`empathic.jobs.run_propensity`."""
        with self.writing():
            return jobs.run_propensity(self.store, **options)

    def experiment_ingest(self, path: str | Path, **options: Any) -> ExperimentIngestSummary:
        """Store an experiment file; see :func:`empathic.experiment.runner.ingest_experiment`."""
        with self.writing():
            return jobs.run_experiment_ingest(self.store, path, **options)

    def experiments(self) -> list[ExperimentListing]:
        """The stored experiments with their units per arm; see :func:`empathic.experiment.runner.list_experiments`."""
        return jobs.run_experiment_list(self.store)

    def experiment(self, name: str, **options: Any) -> ExperimentResult:
        """Readout of a stored experiment (per-arm statistics aggregated in SQL)."""
        return jobs.run_experiment(self.store, name, **options)

    def bandit_recommend(self, bandit: str, segment: str, **options: Any) -> BanditRecommendation:
        """Thompson-sampling recommendation (creates arms given with ``arms=``)."""
        with self.writing():
            return jobs.run_bandit_recommend(self.store, bandit, segment, **options)

    def bandit_update(self, bandit: str, segment: str, arm: str, reward: float) -> BanditState:
        """Record one reward of a bandit arm."""
        with self.writing():
            return jobs.run_bandit_update(self.store, bandit, segment, arm, reward)

    def report(self, out: str | Path, sections: Sequence[str] | None = None, *, llm: str | None = None) -> Path:
        """Write the HTML report (atomically; never over one of the workspace's own files).

        ``llm`` names the narratives' backend: a remote one is used only if named.
        """
        own = [self.path / CONFIG_FILE, self.path / LOCK_FILE]
        db = self._database_file()
        if db is not None:
            own += [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        target = Path(out).resolve()
        if target in {p.resolve() for p in own}:
            raise OutputPathError(
                f"{out} is a file of the workspace {self.path}; the report would replace it.",
                hint=f"Give another file name, e.g. {self.path / 'report.html'}",
            )
        return jobs.build_report(self.store, out, settings=self.settings, sections=sections, llm=llm)

    def status(self) -> WorkspaceStatus:
        return jobs.workspace_status(self.store, self.settings.analyse.analysers)

    def quarantine(self, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]:
        return self.store.quarantined(limit=limit, reason=reason)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Workspace", "os_fault"]
