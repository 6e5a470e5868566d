"""Conformance suite for report sections (registry kind ``report_section``): :func:`check_report_section`.

A section is a function ``(ReportContext) -> Section | None``. The suite renders it over an empty store and
over a store whose customer text, authors, sources, attributes, quarantined rows and experiment names carry
hostile markup (documents scored by the ``vader`` and ``length`` analysers), and checks what the page shows.

>>> from empathic.report.sections import quotes
>>> from empathic.testing import run_checks
>>> "escapes_customer_text" in run_checks(check_report_section(quotes))
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from empathic.report.page import ReportContext, Section
from empathic.store.base import Store
from empathic.store.memory import MemoryStore
from empathic.testing.suite import NamedChecks, named
from empathic.types import (
    Document,
    DocumentKind,
    ExperimentObservation,
    ExperimentSpec,
    QuarantinedRow,
    QuarantineReason,
    Score,
)

SCRIPT = "<script>alert('empathic')</script>"
_HOSTILE = f'{SCRIPT}<img src=x onerror="alert(1)">'
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")


def hostile_store() -> MemoryStore:
    """A store whose every customer-controlled field carries markup, scored by ``vader`` and ``length``."""
    from empathic.analyse import get_analyser

    store = MemoryStore()
    docs = [
        Document(
            f"shop{_HOSTILE}",
            str(i),
            kind,
            f"{text} {_HOSTILE}",
            author=f"Ann {SCRIPT}",
            created_at=f"2025-0{1 + i % 3}-1{i}",
            rating=float(1 + i % 5),
            product=f"Ridgeline {SCRIPT}",
            consent=True,
            attrs={"age_band": f"25-34{SCRIPT}"},
        )
        for i, (kind, text) in enumerate(
            [
                (DocumentKind.REVIEW, "I love this jacket, the hood is perfect!"),
                (DocumentKind.REVIEW, "Terrible. The zip broke after a week."),
                (DocumentKind.COMMENT, "Where can I buy it? So pretty 😍"),
                (DocumentKind.TESTIMONIAL, "Kept me dry on a 14-hour hike in Iceland, thank you."),
                (DocumentKind.POST, "Our new Ridgeline shell is out today."),
            ]
        )
    ]
    bad = QuarantinedRow(f"shop{SCRIPT}", 9, QuarantineReason.EMPTY_TEXT, f"line 9 {SCRIPT}", raw=SCRIPT, file=SCRIPT)
    store.write_batch(docs, [bad], file=f"upload{SCRIPT}.csv")
    stored = list(store.iter_documents())
    ids = [d.doc_id for d in stored if d.doc_id is not None]
    for name in ("vader", "length"):
        analyser = get_analyser(name)
        out = analyser.analyse([d.text for d in stored])
        rows = [Score(i, analyser.name, k, v) for i, scores in zip(ids, out, strict=True) for k, v in scores.items()]
        store.write_scores(analyser.name, analyser.version, ids, rows)
    name, arm = f"hero{SCRIPT}", f"urgent{SCRIPT}"
    store.save_experiment(ExperimentSpec(name, "control", ("click",)))
    units = [ExperimentObservation(f"u{i}", ("control", arm)[i % 2], "click", float(i % 3 == 0)) for i in range(400)]
    store.write_experiment_units(name, units)
    return store


def check_report_section(
    section: Callable[[ReportContext], Section | None], *, store: Callable[[], Store] = hostile_store
) -> NamedChecks:
    """Named checks every report section must pass.

    ``store`` makes the store to render over (a new one per call; it is closed after): by default
    :func:`hostile_store`; pass a richer one (e.g. an analysed workspace seeded with hostile rows) to reach
    sections that need analysis results.

    ``returns_section_or_none`` (a :class:`~empathic.report.page.Section` with a slug id and a title, or
    ``None`` when there is nothing to show), ``empty_store`` (no crash on an empty workspace),
    ``escapes_customer_text`` (no ``<script>`` or injected attribute reaches the HTML), ``no_external_urls``
    (no ``http(s)://`` or ``//`` in ``src``/``href``/``url()``: the report works offline and leaks nothing)
    and ``deterministic`` (the same store renders the same HTML twice).
    """
    assert callable(section), f"a report section is a function (ReportContext) -> Section | None, got {section!r}"
    rendered = functools.cache(lambda: _render(section, store()))

    def returns_section_or_none() -> None:
        out = rendered()
        assert out is None or isinstance(out, Section), f"returned {type(out).__name__}, not Section or None"
        if out is not None:
            assert _SLUG.match(out.id), f"section id {out.id!r} is not a lowercase anchor slug"
            assert out.title.strip() and isinstance(out.html, str), "a section needs a title and HTML"

    def empty_store() -> None:
        out = _render(section, MemoryStore())
        assert out is None or isinstance(out, Section), f"on an empty store: returned {type(out).__name__}"

    def escapes_customer_text() -> None:
        out = rendered()
        if out is None:
            return
        page = f"{out.title}{out.lead}{out.html}".lower()
        assert "<script" not in page, f"{out.id}: customer text reached the page unescaped (<script>)"
        assert "onerror=" not in page.replace("onerror=&quot;", ""), f"{out.id}: an injected attribute is live"

    def no_external_urls() -> None:
        out = rendered()
        if out is not None:
            found = EXTERNAL.search(out.html)
            assert found is None, f"{out.id}: external URL in the HTML: {out.html[found.start() : found.end() + 40]!r}"

    def deterministic() -> None:
        first, again = rendered(), _render(section, store())
        assert first == again, "the same store rendered different sections"

    yield from named(returns_section_or_none, empty_store, escapes_customer_text, no_external_urls, deterministic)


def _render(section: Callable[[ReportContext], Section | None], store: Store) -> Any:
    try:
        return section(ReportContext(store))
    finally:
        store.close()


__all__ = ["EXTERNAL", "SCRIPT", "check_report_section", "hostile_store"]
