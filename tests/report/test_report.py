"""The HTML report is one self-contained file and shows customer text safely."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from empathic import registry
from empathic.report import DEFAULT_SECTIONS, render_report
from empathic.store import open_store
from empathic.types import ColumnMapping


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _report(workspace, tmp_path: Path) -> str:
    data = tmp_path / "r.csv"
    data.write_text(
        "id,text,when,stars\n"
        "1,I love it! Best jacket ever,2025-01-03,5\n"
        "2,<script>alert('x')</script> terrible & broken,2025-02-10,1\n"
        "3,It is a jacket,2025-02-11,3\n"
        "4,,2025-02-12,3\n",
        encoding="utf-8",
    )
    workspace.ingest(data, ColumnMapping(text_col="text", id_col="id", time_col="when", rating_col="stars"), "review")
    workspace.analyze()
    out = workspace.report(tmp_path / "report.html")
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained(workspace, tmp_path: Path) -> None:
    html = _report(workspace, tmp_path)
    p = _Collect()
    p.feed(html)
    for tag, attrs in p.tags:
        assert tag not in ("link", "iframe", "img"), f"external resource tag <{tag}>"
        assert not (tag == "script" and attrs.get("src")), "no external scripts"
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls


def test_report_sections_and_escaping(workspace, tmp_path: Path) -> None:
    html = _report(workspace, tmp_path)
    left_out = {"mirror", "drivers", "personas"}  # no reply links, too few ratings, no author attributes
    left_out |= {"uplift", "propensity"}  # no stored uplift or propensity result
    left_out |= {"experiments"}  # no stored experiment
    left_out |= {"testimonials", "narratives"}  # no testimonial stored
    left_out |= {"pretest"}  # no ad stored
    for section in DEFAULT_SECTIONS:
        assert (f'id="{section}"' in html) is (section not in left_out), section
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert html.count("<svg") >= 5, "charts are inline SVG"
    assert "Best jacket ever" in html, "most positive quote shown"
    assert "empty_text" in html, "quarantine summary shown"


def test_empty_workspace_report_says_what_to_do() -> None:
    html = render_report(open_store("memory"))
    assert "empathic ingest" in html


def test_every_default_section_is_registered() -> None:
    assert set(DEFAULT_SECTIONS) <= set(registry.names("report_section"))
