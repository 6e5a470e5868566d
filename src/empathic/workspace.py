"""The :class:`Workspace` facade: a folder with ``empathic.toml`` and a database.

It only delegates — to :mod:`empathic.config`, the store registry and the use cases of :mod:`empathic.app`
(one method per use case, with the same keyword parameters) — and holds the workspace's single-writer lock
around those that write. A result the report shows (themes, mirror) is stored unless the workspace is read-only.

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
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from empathic.app import analyze as app_analyze
from empathic.app import experiment as app_experiment
from empathic.app import ingest as app_ingest
from empathic.app import mirror as app_mirror
from empathic.app import predict as app_predict
from empathic.app import relate as app_relate
from empathic.app import voc
from empathic.app.analyze import Progress
from empathic.app.narrate import narrate_for_audience
from empathic.app.predict import UpliftParams
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
from empathic.report import write_report
from empathic.store import Store, open_store
from empathic.store.sqlite_file import sqlite_file
from empathic.types import (
    AnalysisSummary,
    Audience,
    BanditKind,
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
    NarrativeFormat,
    NeedSentence,
    Persona,
    PropensityResult,
    QuarantinedRow,
    TestimonialRanking,
    Theme,
    UpliftResult,
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
        self,
        path: str | Path,
        mapping: ColumnMapping,
        kind: DocumentKind | str,
        *,
        source: str | None = None,
        fmt: str | None = None,
        encoding: str | None = None,
        columns: list[str] | None = None,
        quoting: str | None = None,
        parent_source: str | None = None,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """Ingest a file; see :func:`empathic.app.ingest.ingest_file`."""
        with self.writing():
            return app_ingest.ingest_file(
                self.store, path, mapping, kind, settings=self.settings, source=source, fmt=fmt, encoding=encoding,
                columns=columns, quoting=quoting, parent_source=parent_source, progress=progress,
            )  # fmt: skip

    def analyze(self, analysers: Sequence[str] | None = None, *, progress: Progress | None = None) -> AnalysisSummary:
        """Run the configured (or given) analysers over documents not yet analysed."""
        with self.writing():
            return app_analyze.analyze(
                self.store, analysers or self.settings.analyse.analysers, settings=self.settings.analyse,
                progress=progress,
            )  # fmt: skip

    def mirror(
        self,
        *,
        by: str | None = None,
        n_perm: int = 1000,
        n_boot: int = 1000,
        seed: int = 0,
        min_items: int = 5,
        stratify: str = "channel",
    ) -> MirrorResult:
        """Emotional echo of responses; stored for the report unless the workspace is read-only."""
        params = app_mirror.MirrorParams(by, n_perm, n_boot, seed, min_items, stratify)
        with self._storing() as save:
            return app_mirror.mirror(self.store, params, save=save)

    def themes(self, *, n_themes: int | None = None, min_theme_size: int = 10, seed: int = 0) -> list[Theme]:
        """Themes of the customer voice; stored with these settings for the report unless read-only."""
        with self._storing() as save:
            return voc.themes(self.store, voc.ThemesParams(n_themes, min_theme_size, seed), save=save)

    def needs(self, *, top: int = 20) -> tuple[list[NeedSentence], list[DesignIdea]]:
        """Need sentences and the design-idea backlog."""
        return voc.needs(self.store, voc.NeedsParams(top))

    def drivers(self, *, target: str = "rating", with_themes: bool = True, seed: int = 0) -> list[DriverEffect]:
        """Key drivers of a target (rating, recommendation)."""
        return voc.drivers(self.store, voc.DriversParams(target, with_themes, seed))

    def personas(self, *, dimensions: Sequence[str] | None = None, min_size: int = 20) -> list[Persona]:
        """Audience personas (stored, so later stages and the report target them by name)."""
        with self.writing():
            params = voc.PersonasParams(None if dimensions is None else tuple(dimensions), min_size)
            return voc.personas(self.store, params)

    def testimonials(
        self,
        audience: Audience | str | None = None,
        *,
        persona: str | None = None,
        product: str | None = None,
        k: int = 10,
        ranker: str | None = None,
        diversity: float = 0.3,
        include_flagged: bool = False,
    ) -> TestimonialRanking:
        """Consented testimonials ranked for a persona or an audience; see :func:`empathic.app.relate.testimonials`."""
        return app_relate.testimonials(
            self.store, audience, persona=persona, product=product, k=k, ranker=ranker, diversity=diversity,
            include_flagged=include_flagged,
        )  # fmt: skip

    def narrate(
        self,
        audience: Audience | str | None = None,
        *,
        persona: str | None = None,
        fmt: NarrativeFormat | str = NarrativeFormat.AD,
        llm: str | None = None,
        emotion: str | None = None,
        product: str | None = None,
        k: int = 5,
        ranker: str | None = None,
        seed: int = 0,
        include_flagged: bool = False,
    ) -> Narrative:
        """A guarded narrative for a persona or audience, with the workspace's ``[narrate]`` settings."""
        return narrate_for_audience(
            self.store, audience, persona=persona, fmt=fmt, llm=llm, settings=self.settings.narrate, emotion=emotion,
            product=product, k=k, ranker=ranker, seed=seed, include_flagged=include_flagged,
        )  # fmt: skip

    def propensity(
        self, *, target: str, emotions: str = "auto", folds: int = 5, n_boot: int = 1000, seed: int = 0
    ) -> PropensityResult:
        """Purchase propensity from stored emotions (stored by target); see :func:`empathic.app.predict.propensity`."""
        with self.writing():
            return app_predict.propensity(
                self.store, target=target, emotions=emotions, folds=folds, n_boot=n_boot, seed=seed
            )

    def uplift(self, path: str | Path, params: UpliftParams) -> tuple[UpliftResult, str]:
        """Uplift models compared on a table file, stored for the report; returns the result and its stored name."""
        with self.writing():
            result, name = app_predict.uplift(path, params, self.store)
        assert name is not None
        return result, name

    def experiment_ingest(
        self,
        path: str | Path,
        *,
        variant_col: str,
        control: str,
        metrics: Sequence[str],
        experiment: str | None = None,
        experiment_col: str | None = None,
        binary: Sequence[str] = (),
        pre_col: str | None = None,
        unit_col: str | None = None,
        n_col: str | None = None,
        fmt: str | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> ExperimentIngestSummary:
        """Store an experiment file; see :func:`empathic.app.experiment.ingest_experiment`."""
        with self.writing():
            return app_experiment.ingest_experiment(
                self.store, path, variant_col=variant_col, control=control, metrics=metrics, experiment=experiment,
                experiment_col=experiment_col, binary=binary, pre_col=pre_col, unit_col=unit_col, n_col=n_col,
                fmt=fmt, weights=weights,
            )  # fmt: skip

    def experiments(self) -> list[ExperimentListing]:
        """The stored experiments with their units per arm."""
        return app_experiment.list_experiments(self.store)

    def experiment(
        self,
        name: str,
        *,
        metrics: Sequence[str] | None = None,
        binary: Sequence[str] | None = None,
        alpha: float = 0.05,
        correction: str = "holm",
        seed: int = 0,
    ) -> ExperimentResult:
        """Readout of a stored experiment (per-arm statistics aggregated in SQL)."""
        return app_experiment.experiment_from_store(
            self.store, name, metrics=metrics, binary=binary, alpha=alpha, correction=correction, seed=seed
        )

    def bandit_recommend(
        self,
        bandit: str,
        segment: str,
        *,
        arms: Sequence[str] | None = None,
        kind: BanditKind | str = BanditKind.BERNOULLI,
        seed: int | None = None,
    ) -> BanditRecommendation:
        """Thompson-sampling recommendation (creates arms given with ``arms=``)."""
        with self.writing():
            return app_experiment.bandit_recommend(self.store, bandit, segment, arms=arms, kind=kind, seed=seed)

    def bandit_update(self, bandit: str, segment: str, arm: str, reward: float) -> BanditState:
        """Record one reward of a bandit arm."""
        with self.writing():
            return app_experiment.bandit_update(self.store, bandit, segment, arm, reward)

    def report(self, out: str | Path, sections: Sequence[str] | None = None, *, llm: str | None = None) -> Path:
        """Write the HTML report (atomically; never over one of the workspace's own files).

        ``sections`` (default: the ``report.sections`` setting) choose what is shown; ``llm`` names the
        narratives' backend: a remote one is used only if named.
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
        return write_report(self.store, out, settings=self.settings, sections=sections, llm=llm)

    def status(self) -> WorkspaceStatus:
        return app_ingest.status(self.store, self.settings.analyse.analysers)

    def quarantine(self, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]:
        return app_ingest.quarantine(self.store, limit=limit, reason=reason)

    @contextlib.contextmanager
    def _storing(self) -> Iterator[bool]:
        """For a computation whose result the report shows: hold the lock and store it, unless read-only."""
        if self.read_only:
            yield False
            return
        with self.writing():
            yield True

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Workspace", "os_fault"]
