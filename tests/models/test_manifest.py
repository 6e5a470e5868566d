"""The runtime wing's model folders: every shipped asset passes its manifest's sha256 check; one writer, one reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.analyse.emotion.models import ASSETS as EMOTION_ASSETS
from empathic.errors import AnalysisError, ModelIntegrityError
from empathic.models.manifest import load_manifest, sha256_file, write_manifest
from empathic.predict.pretest.base import ASSETS as PRETEST_ASSETS

SHIPPED = sorted([*EMOTION_ASSETS.iterdir(), *PRETEST_ASSETS.iterdir()])


def test_the_shipped_assets_are_the_five_model_folders() -> None:
    assert [p.name for p in SHIPPED] == [
        "minilm-goemotions-v1",
        "minilm-l6-v2-encoder",
        "upworthy-pretest-light-v1",
        "upworthy-pretest-v1",
        "upworthy-pretest-v3",
    ]


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_model_folder_passes_its_sha256_check(folder: Path) -> None:
    manifest = load_manifest(folder, what=folder.name, hint="-")
    assert manifest["sha256"], folder  # something was checked
    for file, digest in manifest["sha256"].items():
        assert sha256_file(folder / file) == digest


def test_a_written_folder_loads_and_a_changed_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.npz").write_bytes(b"\x00" * 10)
    (tmp_path / "vocabulary.json").write_text('["a"]', encoding="utf-8")
    written = write_manifest(
        tmp_path, {"name": "demo", "version": "1"}, ["weights.npz", "vocabulary.json"], card="# Model card\n"
    )
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == written
    assert list(written) == ["name", "version", "sha256"]  # the manifest's keys first, the digests last
    assert (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8") == "# Model card\n"
    assert load_manifest(tmp_path, what="Demo", hint="-") == written
    (tmp_path / "vocabulary.json").write_text('["b"]', encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"vocabulary\.json has sha256"):
        load_manifest(tmp_path, what="Demo", hint="-")
    (tmp_path / "vocabulary.json").unlink()
    with pytest.raises(ModelIntegrityError, match="is missing"):
        load_manifest(tmp_path, what="Demo", hint="-")


def test_a_folder_without_manifest_names_the_model_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="Demo model has no manifest at") as info:
        load_manifest(tmp_path, what="Demo model", hint="Retrain it.")
    assert info.value.hint == "Retrain it."
