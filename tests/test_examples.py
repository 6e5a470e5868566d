"""The scripts in examples/ run end to end against the real package (real SQLite, real ONNX models)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_example_is_listed_in_its_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert scripts, "examples/ has no scripts"
    for name in scripts:
        assert f"`{name}`" in readme, f"{name} is not described in examples/README.md"


@pytest.mark.slow
def test_quickstart_builds_a_workspace_and_a_report(tmp_path: Path, capsys) -> None:
    quickstart = runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="example")
    report = quickstart["main"](tmp_path)
    out = capsys.readouterr().out
    assert report == tmp_path / "report.html" and report.is_file()
    assert "ingested testimonials.csv: 45 stored" in out and "narrative (extractive)" in out, out
    page = report.read_text(encoding="utf-8")
    for section in ('id="overview"', 'id="themes"', 'id="personas"', 'id="testimonials"', 'id="narratives"'):
        assert section in page, f"{section} missing from the report"
    assert (tmp_path / "workspace" / "empathic.toml").is_file(), "the workspace stays where it was asked"
