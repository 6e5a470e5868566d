"""Writing files safely, for every layer: atomic replace, private modes, OS faults as EMP errors.

A file is written to a temporary file in the target's own folder, flushed to disk and renamed
over the target (``os.replace``), so a reader sees the old file or the new one, never half of
one, and a failure (disk full, I/O error, a crash) leaves the previous file as it was.

Modes: workspace files are private (``mode=0o600``, whatever the umask). Outputs the user
asks for (reports, exports) get the mode a plain ``open()`` would give them (``0o666`` less
the umask), or keep the mode of the file they replace.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> p = atomic_write(os.path.join(d, "a.txt"), "one", mode=0o600)
>>> p.read_text(), oct(p.stat().st_mode & 0o777), os.listdir(d)
('one', '0o600', ['a.txt'])
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from empathic.errors import OutputPathError, OutputWriteError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})
NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def is_disk_full(exc: BaseException) -> bool:
    """True for 'no space left' / 'quota exceeded'.

    >>> is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    True
    """
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file and a rename.

    ``mode=None`` keeps the mode of the file being replaced, or gives a new file ``0o666`` less the
    umask; an explicit ``mode`` is set exactly. Raises the ``OSError`` of a failure after removing
    the temporary file; the previous ``path`` is then untouched.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    final_mode = mode
    if final_mode is None:
        with contextlib.suppress(FileNotFoundError):
            final_mode = target.stat().st_mode & 0o7777
    # private until renamed when the mode is explicit; else what open() would create
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE if mode is not None else 0o666)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            if final_mode is not None:
                os.fchmod(fd, final_mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (best effort: some file systems refuse fsync on a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_output(path: str | os.PathLike[str], data: str | bytes, *, what: str = "report") -> Path:
    """Write a file the user asked for (``--out``): checked, atomic, OS faults as EMP7xx errors.

    A missing folder is created; a folder given as the file is an error naming a file to use instead.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> write_output(d, "x")
    Traceback (most recent call last):
    ...
    empathic.errors.OutputPathError: ... is a folder, not a file. Fix: Give a file name, e.g. .../report.html
    """
    target = check_output(path, what)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(target, data)
    except OSError as exc:
        raise output_error(exc, target, what) from exc


def check_output(path: str | os.PathLike[str], what: str = "report") -> Path:
    """Fail early (before any work) when ``path`` is a folder; returns it as a ``Path``."""
    target = Path(path)
    if target.is_dir():
        suffix = ".html" if what == "report" else ""
        raise OutputPathError(
            f"{target} is a folder, not a file.",
            hint=f"Give a file name, e.g. {target / (what + suffix)}",
        )
    return target


def output_error(exc: OSError, target: Path, what: str = "report") -> OutputPathError | OutputWriteError:
    """The EMP error for an ``OSError`` met while writing ``target``.

    >>> output_error(OSError(errno.EROFS, "Read-only file system"), Path("/m/r.html")).code
    'EMP710'
    """
    kept = f"the previous {target.name} is unchanged" if target.exists() else f"no partial {target.name} was left"
    if exc.errno in NO_SPACE:
        return OutputWriteError(
            f"No space left on the disk of {target.parent} while writing the {what} ({exc.strerror}); {kept}.",
            hint=f"Free space on that disk, or write the {what} elsewhere with --out, then run this again.",
        )
    if exc.errno in NOT_WRITABLE or exc.errno in (errno.ENOTDIR, errno.EISDIR):
        return OutputPathError(
            f"Cannot write the {what} to {target}: {exc.strerror}.",
            hint=f"Choose --out in a folder you can write to, e.g. {Path.home() / target.name}",
        )
    return OutputWriteError(
        f"Writing the {what} to {target} failed: {exc.strerror or exc}; {kept}.",
        hint="Check the disk and the path, then run this again.",
    )


def make_private_dir(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` (and missing parents) with mode 0700; True if it was created here.

    An existing folder keeps its mode: it is the user's, and may hold other things.
    """
    p = Path(path)
    if p.is_dir():
        return False
    p.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(p, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return True


def create_private_file(path: str | os.PathLike[str]) -> None:
    """Create an empty file with mode 0600 (``FileExistsError`` if it is there)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


__all__ = [
    "atomic_write",
    "check_output",
    "create_private_file",
    "is_disk_full",
    "make_private_dir",
    "output_error",
    "write_output",
]
