"""The pre-test section: stored ad variants ranked per experiment, chart, drivers, observed CTR beside it."""

from __future__ import annotations

import xml.dom.minidom

from empathic.report import render_report
from empathic.report.page import ReportContext
from empathic.report.pretest import pretest
from empathic.store import open_store
from empathic.types import Document, DocumentKind


def _store():
    store = open_store("memory")
    ads = [
        ("a1", "launch <x>", "control", "New: the rain shell in blue. Fully taped.", "1000", "20"),
        ("a2", "launch <x>", "b", "“I stayed dry for six hours.” Meet the rain shell.", "1000", "30"),
        ("a3", "subject", "control", "Early access is here", "500", "40"),
        ("a4", "lonely", "control", "Only one variant here", "500", "10"),
    ]
    docs = [
        Document("ads", i, DocumentKind.AD, text, attrs={"experiment": e, "variant": v, "impressions": n, "clicks": c})
        for i, e, v, text, n, c in ads
    ]
    docs.append(Document("reviews", "r1", DocumentKind.REVIEW, "Great jacket"))
    store.write_batch(docs, [])
    return store


def test_section_ranks_variants_per_experiment_with_drivers() -> None:
    section = pretest(ReportContext(_store()))
    assert section is not None and section.id == "pretest"
    assert "launch &lt;x&gt;" in section.html  # escaped
    assert "Only one variant" not in section.html and "Early access" not in section.html  # no pair to rank
    assert section.html.count("<tr>") == 1 + 2  # header + the two launch variants
    assert "3.00%" in section.html  # the observed CTR of b
    assert "word n-grams" in section.html or "learned headline appeal" in section.html  # a driver
    assert "grouped-CV pairwise accuracy" in section.lead
    svg = section.html[section.html.index("<svg") : section.html.index("</svg>") + 6]
    xml.dom.minidom.parseString(svg)  # well-formed inline SVG
    assert pretest(ReportContext(open_store("memory"))) is None  # no ads: no section


def test_default_report_includes_the_section() -> None:
    html = render_report(_store())
    assert 'id="pretest"' in html and "<script src" not in html
