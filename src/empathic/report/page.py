"""The report page: section registry lookup, the context sections read through, HTML shell and stylesheet."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from empathic import registry
from empathic._version import __version__
from empathic.app import report as app_report
from empathic.app.report import Shown
from empathic.config import REPORT_SECTIONS, Settings
from empathic.errors import ReportError, UnknownSectionError
from empathic.fsutil import check_output, write_output
from empathic.store import Store
from empathic.types import Audience, MirrorResult, Persona, Theme

T = TypeVar("T")

DEFAULT_SECTIONS = REPORT_SECTIONS  # the report.sections setting's default


@dataclass(frozen=True)
class ReportContext:
    """What a section may read: the store (queries only), the settings, and the stored results through the
    application layer (:mod:`empathic.app.report`), each read once per report and shared by the sections."""

    store: Store
    settings: Settings = field(default_factory=Settings)
    llm: str | None = None  # narratives backend asked for on the command line (None: one that runs locally)
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)  # work shared by sections

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, run once per report under ``key``."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[return-value]

    def personas(self) -> Shown[list[Persona]] | None:
        """The stored personas, else personas with default dimensions (marked so); None when there are none."""
        return self.once("personas", lambda: app_report.report_personas(self.store))

    def audiences(self, *, unavailable: Sequence[Audience] = ()) -> list[Audience]:
        """One audience per persona of :meth:`personas`, so every section targets the same personas."""
        shown = self.personas()
        return app_report.persona_audiences(shown.value) if shown is not None else list(unavailable)

    def themes(self) -> Shown[list[Theme]] | None:
        """The themes last stored with the user's settings, else themes with the defaults (marked so)."""
        return self.once("themes", lambda: app_report.report_themes(self.store))

    def mirror(self) -> Shown[MirrorResult] | None:
        """The mirror result last stored, else one computed with the report's defaults (marked so)."""
        return self.once("mirror", lambda: app_report.report_mirror(self.store))


@dataclass(frozen=True)
class Section:
    """A rendered section: an anchor id, a heading and trusted HTML (escape data before!)."""

    id: str
    title: str
    html: str
    lead: str = ""


SectionFn = Callable[[ReportContext], Section | None]

_CSS = """
:root{--ink:#1f2933;--muted:#52606d;--line:#e4e7eb;--bg:#f7f8fa;--accent:#0072B2;--pos:#009E73;--neg:#D55E00}
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);
background:var(--bg);line-height:1.5}header{background:#102a43;color:#fff;padding:24px 32px}
header h1{margin:0 0 4px;font-size:1.6rem}header p{margin:0;color:#bcccdc;font-size:.9rem}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;z-index:2}
nav a{color:var(--accent);text-decoration:none;margin-right:18px;font-size:.9rem}main{max-width:1100px;
margin:0 auto;padding:16px 32px 48px}section{background:#fff;border:1px solid var(--line);border-radius:10px;
padding:20px 24px;margin:20px 0}section h2{margin:0 0 4px;font-size:1.25rem}.lead{color:var(--muted);
margin:0 0 16px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}.card{border:1px solid
var(--line);border-radius:8px;padding:12px 14px}.card .v{font-size:1.6rem;font-weight:600}.card .k{color:
var(--muted);font-size:.85rem}table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{text-align:left;
padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}blockquote{margin:0 0 12px;padding:10px 14px;
border-left:4px solid var(--line);background:var(--bg);border-radius:0 6px 6px 0}blockquote.pos{border-color:
var(--pos)}blockquote.neg{border-color:var(--neg)}blockquote footer{color:var(--muted);font-size:.8rem;
margin-top:4px}.note{color:var(--muted);font-size:.88rem}code,.raw{font-family:ui-monospace,Menlo,monospace;
font-size:.8rem}.raw{white-space:pre-wrap;word-break:break-all;max-height:6em;overflow:auto;display:block}
svg{max-width:100%;height:auto}footer.page{color:var(--muted);font-size:.8rem;text-align:center;padding:24px}
@media print{nav{display:none}section{break-inside:avoid}}
"""


def esc(value: object) -> str:
    """HTML-escape any value (customer text is untrusted)."""
    return html.escape("" if value is None else str(value), quote=True)


def default_note(shown: Shown[object]) -> str:
    """The one-line note of a section computed with defaults ("" for a stored result).

    >>> default_note(Shown([], True, "Themes", "the default settings", "empathic themes --n N"))
    '<p class="note">Themes computed with the default settings; run `empathic themes --n N` to choose.</p>'
    """
    return f'<p class="note">{esc(shown.note)}</p>' if shown.computed_with_defaults else ""


def check_sections(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` if each is a registered report section (built-in or plugin), else EMP720 naming the known ones.

    >>> check_sections(["overview", "personas"])
    ('overview', 'personas')
    >>> check_sections(["persona"])
    Traceback (most recent call last):
    empathic.errors.UnknownSectionError: No report section named 'persona'. ...
    """
    known = registry.names("report_section")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownSectionError(
            f"No report section named {unknown[0]!r}. Available: {', '.join(known)}.",
            hint="Check the spelling in --section or the report.sections setting, or install the plugin that "
            "provides the section (`empathic backends` lists them).",
        )
    return tuple(names)


def _section_fn(name: str) -> SectionFn:
    fn = registry.get("report_section", name)
    if not callable(fn):
        raise ReportError(f"Report section {name!r} is not callable.")
    return fn


def render_report(
    store: Store,
    *,
    settings: Settings | None = None,
    sections: Sequence[str] | None = None,
    title: str | None = None,
    llm: str | None = None,
) -> str:
    """Render the report as one HTML string; sections with nothing to show are left out.

    ``sections`` (default: the ``report.sections`` setting) name registered sections, in order; an unknown
    name raises EMP720 before anything is computed. ``llm``: the narratives' backend. Without it the report
    uses ``narrate.llm`` only if that backend runs in this process; it never sends text to a remote model
    unless asked this way (``empathic report --llm``).
    """
    settings = settings or Settings()
    ctx = ReportContext(store=store, settings=settings, llm=llm)
    rendered: list[Section] = []
    for name in check_sections(sections or settings.report.sections):
        section = _section_fn(name)(ctx)
        if section is not None:
            rendered.append(section)
    title = title or settings.report.title
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in rendered)
    body = "".join(
        f'<section id="{esc(s.id)}"><h2>{esc(s.title)}</h2>'
        + (f'<p class="lead">{esc(s.lead)}</p>' if s.lead else "")
        + s.html
        + "</section>"
        for s in rendered
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,'
        f'initial-scale=1"><meta name="generator" content="Empathic {esc(__version__)}">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>Generated {esc(stamp)} by Empathic {esc(__version__)} · "
        "self-contained, works offline</p></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        '<footer class="page">Numbers come from the workspace database at the time of generation. '
        "Customer text is shown verbatim.</footer></body></html>\n"
    )


def write_report(
    store: Store,
    out: str | Path,
    *,
    settings: Settings | None = None,
    sections: Sequence[str] | None = None,
    llm: str | None = None,
) -> Path:
    """Write the self-contained HTML report to ``out`` (atomically: a failure keeps the old file)."""
    check_output(out)
    return write_output(out, render_report(store, settings=settings, sections=sections, llm=llm))
