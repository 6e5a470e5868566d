"""Rendering for the CLI: Rich tables and progress bars for people, JSON for machines.

Every string Rich prints goes through :class:`SafeConsole`: markup and emoji codes are off (a
review saying ``[link=...]`` stays text) and control, escape and bidi characters are shown as
visible markers (:func:`~empathic.cli.safe.terminal_safe`). Our own styling is built as
:class:`rich.text.Text`, whose pieces are ours.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from empathic.cli.safe import json_safe, terminal_safe
from empathic.errors import EmpathicError
from empathic.registry import Entry
from empathic.types import AnalysisSummary, IngestSummary, MirrorResult, QuarantinedRow, ReplyLinks, WorkspaceStatus


class SafeConsole(Console):
    """A Rich console that never interprets text: no markup, no emoji codes, controls neutralised.

    >>> import io
    >>> c = SafeConsole(file=io.StringIO(), width=40)
    >>> c.print("[bold]x[/] \\x1b]52;c;aGk=\\x07")
    >>> c.file.getvalue()
    '[bold]x[/] ␛]52;c;aGk=␇\\n'
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**({"markup": False, "emoji": False} | kwargs))

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = kwargs["emoji"] = False  # also when a caller passes markup=True
        return super().render_str(terminal_safe(text), **kwargs)


out = SafeConsole()
err = SafeConsole(stderr=True)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, no Rich markup; invisible and bidi characters as ``\\u`` escapes."""
    print(json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def emit(data: Mapping[str, Any], json_out: bool, message: str) -> None:
    if json_out:
        print_json(dict(data))
    else:
        out.print(message, highlight=False)


def print_error(exc: EmpathicError, json_out: bool) -> None:
    if json_out:
        print_json({"error": exc.to_dict()})
        return
    err.print(Text.assemble((exc.code, "bold red"), ": ", terminal_safe(exc.message)), highlight=False, soft_wrap=True)
    if exc.hint:
        err.print(Text.assemble(("Fix:", "yellow"), " ", terminal_safe(exc.hint)), highlight=False, soft_wrap=True)


@contextlib.contextmanager
def progress_bar(label: str, quiet: bool, unit: str = "items") -> Iterator[Any]:
    """A Rich progress bar on stderr; yields a ``progress(done, total)`` callback (None if quiet)."""
    if quiet:
        yield None
        return
    counter = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        counter,
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(terminal_safe(label), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def render_ingest(s: IngestSummary, json_out: bool) -> None:
    if json_out:
        print_json(s.to_dict())
        return
    t = Table(title=f"Ingested {s.file} as {s.kind.value} (source {s.source})", show_header=True)
    for col in ("read", "stored", "skipped", "quarantined"):
        t.add_column(col, justify="right")
    t.add_row(*(f"{v:,}" for v in (s.read, s.stored, s.skipped, s.quarantined)))
    out.print(t)
    if s.by_reason:
        out.print(
            "Quarantined: " + ", ".join(f"{k} {v:,}" for k, v in s.by_reason.items()) + "  (see: empathic quarantine)",
            highlight=False,
        )
    for line in _link_lines(s.links, s.source):
        out.print(line, highlight=False, markup=False)


def _link_lines(links: ReplyLinks, source: str) -> list[str]:
    """How the replies of ``source`` linked, in words; ids are shown with repr() so file content stays inert."""
    lines = []
    where = f"source {source!r}"
    if links.replies:
        across = ", ".join(f"{src!r} {n:,}" for src, n in links.elsewhere.items())
        lines.append(
            f"Reply links of {where}: {links.matched:,} of {links.replies:,} parents found"
            + (f" ({sum(links.elsewhere.values()):,} in other sources: {across})" if across else "")
            + f", {links.unmatched:,} matched nothing, {links.ambiguous:,} ambiguous."
        )
    lines.extend(f"  {problem}" for problem in links.problems())
    if links.linked_in:
        lines.append(f"{links.linked_in:,} replies of other sources link to documents of {where}.")
    return lines


def render_status(st: WorkspaceStatus, json_out: bool) -> None:
    if json_out:
        print_json(st.to_dict())
        return
    t = Table(title=f"{st.documents:,} documents")
    t.add_column("kind")
    t.add_column("documents", justify="right")
    for k, v in sorted(st.by_kind.items()):
        t.add_row(k, f"{v:,}")
    out.print(t)
    if st.analysed:
        a = Table(title="Analysis")
        a.add_column("analyser")
        a.add_column("analysed", justify="right")
        a.add_column("to do", justify="right")
        for name, n in st.analysed.items():
            a.add_row(name, f"{n:,}", f"{st.unanalysed.get(name, 0):,}")
        out.print(a)
    q = ", ".join(f"{k} {v:,}" for k, v in sorted(st.quarantined_by_reason.items())) or "none"
    out.print(f"Quarantined rows: {st.quarantined:,} ({q})", highlight=False)


def quarantine_dict(q: QuarantinedRow) -> dict[str, Any]:
    return {
        "source": q.source,
        "file": q.file,
        "line": q.row_number,
        "reason": q.reason.value,
        "detail": q.detail,
        "source_id": q.source_id,
        "raw": q.raw,
        "raw_bytes_hex": q.raw_bytes.hex() if q.raw_bytes is not None else None,
    }


def render_quarantine(rows: Sequence[QuarantinedRow], json_out: bool) -> None:
    if json_out:
        print_json({"count": len(rows), "rows": [quarantine_dict(q) for q in rows]})
        return
    t = Table(title=f"{len(rows):,} quarantined rows")
    for col in ("source", "line", "reason", "detail", "raw"):
        t.add_column(col, overflow="fold")
    for q in rows:
        raw = q.raw if len(q.raw) <= 120 else q.raw[:117] + "..."
        t.add_row(q.source, str(q.row_number), q.reason.value, q.detail, raw)
    out.print(t)


def render_analysis(s: AnalysisSummary, json_out: bool) -> None:
    if json_out:
        print_json(s.to_dict())
        return
    t = Table(title=f"Analysis finished in {s.seconds:.1f}s")
    t.add_column("analyser")
    t.add_column("analysed now", justify="right")
    t.add_column("already done", justify="right")
    for name, n in s.analysed.items():
        t.add_row(name, f"{n:,}", f"{s.already_done.get(name, 0):,}")
    out.print(t)


def render_backends(by_kind: Mapping[str, Sequence[Entry]], json_out: bool) -> None:
    if json_out:
        print_json(
            {
                k: [
                    {
                        "name": e.name,
                        "target": e.target,
                        "extra": e.extra,
                        "summary": e.summary,
                        "origin": e.origin,
                    }
                    for e in v
                ]
                for k, v in by_kind.items()
            }
        )
        return
    for kind, entries in by_kind.items():
        t = Table(title=f"{kind} backends")
        t.add_column("name")
        t.add_column("summary")
        t.add_column("origin")
        for e in entries:
            t.add_row(e.name, e.summary, e.origin)
        out.print(t)


def render_mirror(r: MirrorResult, json_out: bool) -> None:
    for warning in r.warnings:  # on stderr in both modes: stdout stays one JSON document
        err.print(f"Warning: {warning}", highlight=False, markup=False)
    if json_out:
        print_json(r.to_dict())
        return
    if r.status == "no_pairs":
        out.print(f"No reply pairs: {r.reason}", highlight=False, markup=False)
        return
    out.print(
        f"{r.items:,} items, {r.responses:,} responses: mirror similarity {r.mirror_similarity:.3f} vs "
        f"{r.null_similarity:.3f} by chance → lift {r.lift:+.3f} (95% CI {r.ci_low:+.3f} to {r.ci_high:+.3f}, "
        f"p = {r.p_value:.3g})",
        highlight=False,
    )
    groups = r.by.get("groups", {})
    if groups:
        t = Table(title=f"By {r.by['dimension']} (groups with at least {r.by['min_items']} items)")
        for col in ("group", "items", "lift", "95% CI", "p"):
            t.add_column(col, justify="left" if col == "group" else "right")
        for name, g in groups.items():
            t.add_row(
                name,
                str(g["items"]),
                f"{g['lift']:+.3f}",
                f"{g['ci_low']:+.3f} to {g['ci_high']:+.3f}",
                f"{g['p_value']:.3g}",
            )
        out.print(t)
