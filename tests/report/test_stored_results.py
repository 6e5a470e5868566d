"""The report shows what the user stored (personas, themes), says when a section was computed with defaults,
and renders only the sections asked for (--section, report.sections)."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.demo import run_demo

pytestmark = pytest.mark.slow  # builds the demo workspace once (about a minute)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    return Path(run_demo(tmp_path_factory.mktemp("demo")).workspace)


@pytest.fixture
def ws(demo_folder: Path, tmp_path: Path) -> str:
    """A private copy of the demo workspace (tests store results in it)."""
    return str(shutil.copytree(demo_folder, tmp_path / "ws"))


def _run(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    return int(e.value.code or 0), capsys.readouterr().out


def _section(html: str, name: str) -> str:
    return html.split(f'<section id="{name}">')[1].split("</section>")[0]


def _report(capsys, ws: str, *sections: str) -> str:
    out = Path(ws).parent / "report.html"
    code, _ = _run(capsys, "report", "-w", ws, "--out", str(out), *(a for s in sections for a in ("--section", s)))
    assert code == 0
    return out.read_text(encoding="utf-8")


def test_personas_testimonials_and_narratives_show_the_stored_personas(capsys, ws: str) -> None:
    code, out = _run(capsys, "personas", "-w", ws, "--dimensions", "region", "--min-size", "5", "--json")
    stored = {p["name"] for p in json.loads(out)["personas"]}
    assert code == 0 and len(stored) >= 2 and all("·" not in name for name in stored)  # one dimension: region only
    html = _report(capsys, ws, "personas", "testimonials", "narratives")
    cards = re.findall(r'<div class="v" style="font-size:1.05rem">(.*?)</div>', _section(html, "personas"))
    testimonials = re.findall(r"<h3>(.*?)</h3>", _section(html, "testimonials"))
    narratives = re.findall(r"<h3>(.*?)</h3>", _section(html, "narratives"))
    assert {unescape(c) for c in cards} == stored
    assert {unescape(n) for n in narratives} == stored
    assert testimonials and {unescape(t) for t in testimonials} <= stored
    assert "computed with default" not in html  # every section read the stored personas


def test_report_shows_the_themes_stored_with_the_users_settings(capsys, ws: str) -> None:
    code, out = _run(capsys, "themes", "-w", ws, "--n", "10", "--json")
    named = [t for t in json.loads(out)["themes"] if t["theme_id"] >= 0]
    assert code == 0 and len(named) == 10
    themes = _section(_report(capsys, ws, "themes"), "themes")
    assert "10 themes found" in themes and "computed with" not in themes
    rows = re.findall(r"<tr><td>(.*?)</td>", themes.split("<tbody>")[1])
    assert [unescape(r) for r in rows if unescape(r) in {t["label"] for t in named}] == [t["label"] for t in named]


def test_a_section_never_stored_says_it_was_computed_with_defaults(capsys, ws: str) -> None:
    html = _report(capsys, ws, "themes", "personas")
    assert "Themes computed with the default settings; run <code>" not in html  # the note is escaped text
    assert "Themes computed with the default settings; run `empathic themes --n N` to choose." in unescape(
        _section(html, "themes")
    )
    assert "computed with" not in _section(html, "personas")  # the demo stores its personas
    assert re.findall(r'<section id="(\w+)">', html) == ["themes", "personas"]  # only, and in order, as asked


def test_unknown_section_is_a_coded_error_naming_the_available_ones(capsys, ws: str) -> None:
    code, out = _run(
        capsys, "report", "-w", ws, "--out", str(Path(ws).parent / "r.html"), "--section", "persona", "--json"
    )
    error = json.loads(out)["error"]
    assert code == 2 and error["code"] == "EMP720" and "'persona'" in error["message"]
    assert "personas" in error["message"] and "--section" in error["hint"]
    assert not (Path(ws).parent / "r.html").exists()


def test_report_sections_setting_chooses_the_sections(capsys, ws: str) -> None:
    toml = Path(ws) / "empathic.toml"
    toml.write_text(toml.read_text().replace("[report]\n", '[report]\nsections = ["volume", "overview"]\n'))
    html = _report(capsys, ws)
    assert re.findall(r'<section id="(\w+)">', html) == ["volume", "overview"]
