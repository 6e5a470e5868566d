"""Model folders: ``manifest.json`` with the sha256 of every file (checked at load) and a model card.

Every shipped or trained model is a folder: its files, a ``manifest.json`` (recipe, labels, thresholds,
metrics and ``sha256`` of each file) and a ``MODEL_CARD.md``. One writer and one reader serve the emotion
models, the pre-test models and the pairwise scorer.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "weights.bin").write_bytes(b"w")
>>> m = write_manifest(folder, {"name": "demo"}, ["weights.bin"], card="# Model card: demo\\n")
>>> load_manifest(folder, what="Demo model", hint="Retrain it.")["sha256"] == m["sha256"]
True
>>> _ = (folder / "weights.bin").write_bytes(b"x")
>>> load_manifest(folder, what="Demo model", hint="Retrain it.")
Traceback (most recent call last):
...
empathic.errors.ModelIntegrityError: Model file weights.bin has sha256 ...
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from empathic.errors import AnalysisError, ModelIntegrityError
from empathic.fsutil import atomic_write


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path: Path, expected: str) -> None:
    """Raise :class:`ModelIntegrityError` unless the file's sha256 is ``expected``."""
    if not path.exists():
        raise ModelIntegrityError(
            f"Model file {path} is missing.", hint="Reinstall empathic: pip install --force-reinstall empathic"
        )
    actual = sha256_file(path)
    if actual != expected:
        raise ModelIntegrityError(
            f"Model file {path.name} has sha256 {actual[:16]}…, expected {expected[:16]}… (corrupted or replaced).",
            hint="Reinstall empathic, or retrain with `empathic train emotion` and update the manifest.",
        )


def read_manifest(folder: Path, *, what: str, hint: str) -> dict[str, Any]:
    """``folder/manifest.json`` as a dict; :class:`AnalysisError` naming ``what`` (with ``hint``) if it is absent."""
    file = Path(folder) / "manifest.json"
    if not file.exists():
        raise AnalysisError(f"{what} has no manifest at {file}.", hint=hint)
    return json.loads(file.read_text(encoding="utf-8"))


def load_manifest(folder: Path, *, what: str, hint: str) -> dict[str, Any]:
    """:func:`read_manifest`, then check the sha256 of every file it lists (:func:`verify`)."""
    manifest = read_manifest(folder, what=what, hint=hint)
    for file, digest in manifest["sha256"].items():
        verify(Path(folder) / file, digest)
    return manifest


def write_manifest(
    folder: Path, manifest: Mapping[str, Any], files: Sequence[str], *, card: str | None = None
) -> dict[str, Any]:
    """Write ``folder/manifest.json``: ``manifest`` plus the sha256 of ``files``; with ``card``, ``MODEL_CARD.md``.

    Returns the manifest as written.
    """
    folder = Path(folder)
    written = {**manifest, "sha256": {f: sha256_file(folder / f) for f in files}}
    atomic_write(folder / "manifest.json", json.dumps(written, indent=2) + "\n")
    if card is not None:
        atomic_write(folder / "MODEL_CARD.md", card)
    return written
