"""Report: one self-contained HTML file (inline CSS and SVG charts, no network) from a store.

Sections come from the ``report_section`` registry, so later stages add theirs by name.

>>> from empathic.store import open_store
>>> html = render_report(open_store("memory"))
>>> html.startswith("<!DOCTYPE html>") and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
True
"""

from __future__ import annotations

from empathic.report.page import DEFAULT_SECTIONS, ReportContext, Section, check_sections, render_report, write_report

__all__ = ["DEFAULT_SECTIONS", "ReportContext", "Section", "check_sections", "render_report", "write_report"]
