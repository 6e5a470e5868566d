"""The API reference: generated from docstrings by mkdocs + mkdocstrings, offline, warnings as errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import empathic.testing
from empathic import registry

ROOT = Path(__file__).resolve().parents[1]
CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
API = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "api").glob("*.md")}


def test_the_site_uses_a_built_in_theme_and_strict_mode() -> None:
    assert re.search(r"^theme:\n  name: (mkdocs|readthedocs)$", CONFIG, re.M), "only a theme shipped with mkdocs"
    assert "strict: true" in CONFIG and "highlightjs: false" in CONFIG, "no CDN script; warnings fail the build"
    assert "empathic.app" not in "".join(API.values())


def test_every_api_page_is_in_the_nav_and_the_public_modules_have_a_page() -> None:
    for name in API:
        assert f"api/{name}" in CONFIG, f"docs/api/{name} is not in mkdocs.yml's nav"
    documented = set(re.findall(r"^::: ([\w.]+)", "".join(API.values()), re.M))
    wanted = {"empathic.workspace", "empathic.types", "empathic.errors", "empathic.registry", "empathic.store.base"}
    assert wanted | {"empathic.testing"} <= documented, wanted - documented


def test_every_conformance_suite_is_exported() -> None:
    for kind in registry.KINDS:
        assert f"check_{kind}" in empathic.testing.__all__, kind


@pytest.mark.slow
def test_the_reference_builds_offline_and_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocstrings_handlers.python", reason="pip install -e '.[dev]' (mkdocstrings[python])")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    testing = (site / "api" / "testing" / "index.html").read_text(encoding="utf-8")
    for kind in registry.KINDS:
        assert f"check_{kind}" in testing, f"check_{kind} is not in the generated reference"
    store = (site / "api" / "store" / "index.html").read_text(encoding="utf-8")
    assert all(p in store for p in ("DocumentStore", "ScoreStore", "ResultStore", "ExperimentStore"))
    assert "Workspace" in (site / "api" / "workspace" / "index.html").read_text(encoding="utf-8")
    for page in site.rglob("*.html"):
        loaded = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](?:https?:)?//""", page.read_text("utf-8"))
        assert not loaded, f"{page.relative_to(site)} loads an asset from the network: {loaded}"
