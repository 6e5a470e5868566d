"""One exception tree for Empathic, with stable codes users can search for.

Every error says what happened, what was expected, and how to fix it::

    EmpathicError                      EMP000  base; never raised directly
    ├── Interrupted                    EMP030  Ctrl-C / SIGTERM stopped a command (exit 130 / 143, not 2)
    ├── StoredResultError              EMP050  a stored result (themes, personas, ...) cannot be read back
    ├── ConfigError                    EMP100  bad empathic.toml or EMPATHIC_* variable
    │   └── TrustError                 EMP110  the user's trust file is unreadable, or nothing to trust
    ├── WorkspaceError                 EMP200
    │   ├── WorkspaceNotFoundError     EMP201  folder is not an Empathic workspace
    │   ├── WorkspaceExistsError       EMP202  init over an existing workspace
    │   ├── WorkspaceLockedError       EMP203  another writer holds the workspace
    │   ├── WorkspaceLinkError         EMP204  the workspace's database is a link that leads outside the folder
    │   ├── WorkspaceReadOnlyError     EMP210  the workspace is read-only and the command must write
    │   └── WorkspacePermissionError   EMP211  a workspace file or folder cannot be created, read or written
    ├── StoreError                     EMP300  database problem (migration, integrity)
    │   ├── DatabaseCorruptError       EMP310  the database file is not an SQLite database or is damaged
    │   ├── EmptyDatabaseError         EMP311  the database file is empty (zero bytes)
    │   ├── DiskFullError              EMP312  no space left while writing (nothing half-written is kept)
    │   └── DatabaseMissingError       EMP313  the workspace has no database file
    ├── IngestError                    EMP400
    │   ├── InputFileError             EMP401  file missing, unreadable or unknown format
    │   ├── ColumnError                EMP402  a named column is not in the file
    │   └── ReplyLinkError             EMP420  reply-link options that cannot work (--parent-source alone)
    ├── RegistryError                  EMP500
    │   ├── UnknownBackendError        EMP501  no backend of that name
    │   └── BackendNotInstalledError   EMP502  backend needs an extra that is not installed
    ├── AnalysisError                  EMP600
    │   ├── ModelIntegrityError        EMP601  model file missing or its sha256 does not match
    │   └── MirrorInputError           EMP610  reply links exist but lack the emotion scores the mirror needs
    ├── ReportError                    EMP700
    │   ├── OutputPathError            EMP710  --out is a folder, or its folder cannot be created or written
    │   ├── OutputWriteError           EMP711  writing the output failed (disk full, I/O); the old file is intact
    │   └── UnknownSectionError        EMP720  no report section of that name (--section, report.sections)
    ├── RelateError                    EMP800  testimonial ranking
    │   └── UnknownAudienceError       EMP801  no stored persona of that name / no matching authors
    ├── NarrateError                   EMP900  narratives
    │   ├── NarrativeGuardError        EMP901  output failed the guards (altered quote, injection) after retries
    │   ├── NoQuotableSourceError      EMP902  no consented, clean customer text to build a narrative on
    │   └── LLMEndpointError           EMP903  the LLM endpoint failed or answered in an unexpected form
    └── ExperimentError                EMP950  experiments and bandits
        ├── ExperimentNotFoundError    EMP951  no stored experiment / bandit of that name, or no data for it
        ├── ExperimentDataError        EMP952  values that do not fit the experiment (non-0/1 binary, n < successes)
        └── BanditError                EMP953  bad bandit request (unknown arm, arms of another kind, bad reward)

The CLI maps these to exit code 2 and prints ``code: message``; the API (later) returns the
same code and message in its JSON error envelope.
"""

from __future__ import annotations

from collections.abc import Iterable


class EmpathicError(Exception):
    """Base of all Empathic errors.

    >>> err = ConfigError("bad value")
    >>> (err.code, str(err))
    ('EMP100', 'bad value')
    """

    code = "EMP000"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} Fix: {hint}")

    def to_dict(self) -> dict[str, str]:
        """The JSON error envelope body: ``{"code", "error", "message", "hint"}``."""
        return {
            "code": self.code,
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint or "",
        }


class Interrupted(EmpathicError):
    """A command stopped by Ctrl-C (SIGINT) or SIGTERM; the message says what was saved.

    >>> Interrupted("Interrupted: 3 of 9 analysed and saved.", signum=15).exit_code
    143
    """

    code = "EMP030"

    def __init__(self, message: str, *, hint: str | None = None, signum: int = 2) -> None:
        super().__init__(message, hint=hint)
        self.signum = signum
        self.exit_code = 128 + signum  # the shell convention: 130 for SIGINT, 143 for SIGTERM

    @classmethod
    def from_interrupt(cls, exc: BaseException, message: str) -> Interrupted:
        """The error for a caught ``KeyboardInterrupt`` (SIGINT) or :class:`Terminated` (SIGTERM)."""
        return cls(message, signum=getattr(exc, "signum", 2))


class Terminated(KeyboardInterrupt):
    """Raised by the CLI's SIGTERM handler so that a stop request unwinds like Ctrl-C (not in the tree above:
    like ``KeyboardInterrupt`` it is no ``Exception``, so no ``except Exception`` swallows it)."""

    signum = 15


class StoredResultError(EmpathicError):
    code = "EMP050"


class ConfigError(EmpathicError):
    code = "EMP100"


class TrustError(ConfigError):
    code = "EMP110"


class WorkspaceError(EmpathicError):
    code = "EMP200"


class WorkspaceNotFoundError(WorkspaceError):
    code = "EMP201"


class WorkspaceExistsError(WorkspaceError):
    code = "EMP202"


class WorkspaceLockedError(WorkspaceError):
    code = "EMP203"


class WorkspaceLinkError(WorkspaceError):
    code = "EMP204"


class WorkspaceReadOnlyError(WorkspaceError):
    code = "EMP210"


class WorkspacePermissionError(WorkspaceError):
    code = "EMP211"


class StoreError(EmpathicError):
    code = "EMP300"


class DatabaseCorruptError(StoreError):
    code = "EMP310"


class EmptyDatabaseError(StoreError):
    code = "EMP311"


class DiskFullError(StoreError):
    code = "EMP312"


class DatabaseMissingError(StoreError):
    code = "EMP313"


class IngestError(EmpathicError):
    code = "EMP400"


class InputFileError(IngestError):
    code = "EMP401"


class ColumnError(IngestError):
    code = "EMP402"


class ReplyLinkError(IngestError):
    code = "EMP420"


class RegistryError(EmpathicError):
    code = "EMP500"


class UnknownBackendError(RegistryError):
    code = "EMP501"


class BackendNotInstalledError(RegistryError):
    code = "EMP502"


class AnalysisError(EmpathicError):
    code = "EMP600"


class MirrorInputError(AnalysisError):
    code = "EMP610"


class ModelIntegrityError(AnalysisError):
    code = "EMP601"


class ReportError(EmpathicError):
    code = "EMP700"


class OutputPathError(ReportError):
    code = "EMP710"


class OutputWriteError(ReportError):
    code = "EMP711"


class UnknownSectionError(ReportError):
    code = "EMP720"


class RelateError(EmpathicError):
    code = "EMP800"


class UnknownAudienceError(RelateError):
    code = "EMP801"


class NarrateError(EmpathicError):
    code = "EMP900"


class NarrativeGuardError(NarrateError):
    """Every try failed the guards; ``failures`` holds every check that failed on the last try (the message
    names the first four).

    >>> NarrativeGuardError("no ad passed", failures=["altered_quote: 'x'"]).failures
    ("altered_quote: 'x'",)
    """

    code = "EMP901"

    def __init__(self, message: str, *, hint: str | None = None, failures: Iterable[str] = ()) -> None:
        super().__init__(message, hint=hint)
        self.failures = tuple(failures)


class NoQuotableSourceError(NarrateError):
    code = "EMP902"


class LLMEndpointError(NarrateError):
    code = "EMP903"


class ExperimentError(EmpathicError):
    code = "EMP950"


class ExperimentNotFoundError(ExperimentError):
    code = "EMP951"


class ExperimentDataError(ExperimentError):
    code = "EMP952"


class BanditError(ExperimentError):
    code = "EMP953"


def all_error_classes() -> list[type[EmpathicError]]:
    """Every error class in the tree, base first (used by docs and tests)."""
    out: list[type[EmpathicError]] = []
    stack: list[type[EmpathicError]] = [EmpathicError]
    while stack:
        cls = stack.pop(0)
        out.append(cls)
        stack.extend(cls.__subclasses__())
    return out
