"""The ``empathic`` command line: parse, call one library function, render (table or ``--json``).

Only this package calls ``sys.exit``. Errors print ``EMP###: message`` and the fix, and exit 2;
with ``--json`` the same error comes as ``{"error": {"code", "message", "hint"}}`` on stdout.
"""

from __future__ import annotations

import io
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Annotated

import typer

from empathic import registry
from empathic._version import __version__
from empathic.cli.emotion import emotion_app, train_app
from empathic.cli.experiment import register as register_experiment
from empathic.cli.narrate import register as register_narrate
from empathic.cli.options import JsonOpt, WorkspaceOpt
from empathic.cli.predict import register as register_predict
from empathic.cli.pretest import register as register_pretest
from empathic.cli.relate import register as register_relate
from empathic.cli.render import (
    emit,
    print_error,
    progress_bar,
    render_analysis,
    render_backends,
    render_ingest,
    render_mirror,
    render_quarantine,
    render_status,
)
from empathic.cli.safe import terminal_safe
from empathic.cli.trust import register as register_trust
from empathic.cli.voc import register as register_voc
from empathic.config import UntrustedSettingWarning
from empathic.errors import EmpathicError, Interrupted, Terminated
from empathic.types import ColumnMapping, DocumentKind

app = typer.Typer(
    name="empathic",
    help="Empathic: listen to customers, feel their emotions, and report — self-hosted, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(emotion_app, name="emotion")
register_voc(app)
register_experiment(app)
register_relate(app)
register_narrate(app)
register_predict(app)
register_pretest(app, train_app)
register_trust(app)
app.add_typer(train_app, name="train")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"empathic {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Empathic command line."""


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    json_out: JsonOpt = False,
) -> None:
    """Create a workspace: a folder with empathic.toml and an SQLite database."""
    from empathic.workspace import Workspace

    with Workspace.init(directory) as ws:  # closed: no database handle outlives the command
        pass
    emit(
        {"workspace": str(ws.path), "config": str(ws.path / "empathic.toml")},
        json_out,
        f"Created workspace {ws.path}",
    )


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet file (.gz too).")],
    workspace: WorkspaceOpt = Path("."),
    kind: Annotated[DocumentKind, typer.Option("--kind", "-k", help="What the rows are.")] = DocumentKind.REVIEW,
    text_col: Annotated[str, typer.Option(help="Column with the text.")] = "text",
    id_col: Annotated[str | None, typer.Option(help="Column with a unique id (default: line number).")] = None,
    parent_col: Annotated[
        str | None,
        typer.Option(help="Column with the id of the item this row replies to (same source first, else any unique)."),
    ] = None,
    parent_source: Annotated[
        str | None, typer.Option(help="Look the parent ids up only in this source (e.g. posts), with --parent-col.")
    ] = None,
    author_col: Annotated[str | None, typer.Option(help="Column with the author.")] = None,
    time_col: Annotated[str | None, typer.Option(help="Column with the date/time.")] = None,
    rating_col: Annotated[str | None, typer.Option(help="Column with a numeric rating.")] = None,
    product_col: Annotated[str | None, typer.Option(help="Column with the product.")] = None,
    consent_col: Annotated[str | None, typer.Option(help="Column with consent to quote (yes/no).")] = None,
    attr_cols: Annotated[
        str | None,
        typer.Option(help="Comma-separated author/segment attribute columns (default: every column not named above)."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Id namespace of this data set (default: file name).")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, tsv, jsonl or parquet (default: from name).")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: utf-8, or the file's BOM).")] = None,
    columns: Annotated[str | None, typer.Option(help="Comma-separated column names for a file without header.")] = None,
    quoting: Annotated[str | None, typer.Option(help="'minimal' (CSV default) or 'none' (TSV default).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest a file: every row is stored, skipped (already there) or quarantined with a reason."""
    from empathic.workspace import Workspace

    mapping = ColumnMapping(
        text_col=text_col,
        id_col=id_col,
        parent_col=parent_col,
        author_col=author_col,
        time_col=time_col,
        rating_col=rating_col,
        product_col=product_col,
        consent_col=consent_col,
        attr_cols=tuple(c.strip() for c in attr_cols.split(",") if c.strip()) if attr_cols else (),
    )
    cols = [c.strip() for c in columns.split(",")] if columns else None
    with (
        Workspace(workspace) as ws,
        progress_bar(f"Ingesting {file.name}", json_out, unit="bytes") as progress,
    ):
        summary = ws.ingest(
            file,
            mapping,
            kind,
            source=source,
            fmt=fmt,
            encoding=encoding,
            columns=cols,
            quoting=quoting,
            parent_source=parent_source,
            progress=progress,
        )
    render_ingest(summary, json_out)


@app.command()
def status(workspace: WorkspaceOpt = Path("."), json_out: JsonOpt = False) -> None:
    """Counts by kind and source, analysed / unanalysed, quarantined by reason."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        render_status(ws.status(), json_out)


@app.command()
def quarantine(
    workspace: WorkspaceOpt = Path("."),
    reason: Annotated[str | None, typer.Option(help="Only rows with this reason code.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List quarantined rows with their reason and raw content."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        render_quarantine(ws.quarantine(limit=limit, reason=reason), json_out)


@app.command()
def analyze(
    workspace: WorkspaceOpt = Path("."),
    analyser: Annotated[
        list[str] | None,
        typer.Option("--analyser", "-a", help="Analyser name (repeatable; default: from config)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Run the analysers over documents not analysed yet (incremental)."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws, progress_bar("Analysing", json_out, unit="documents") as progress:
        summary = ws.analyze(analyser or None, progress=progress)
    render_analysis(summary, json_out)


@app.command()
def report(
    workspace: WorkspaceOpt = Path("."),
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("report.html"),
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="Backend of the narratives: extractive, local or openai. Without it, a backend that sends "
            "text off this machine is never used.",
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            help="Only this section (repeat for more, in that order; default: the report.sections setting).",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Write a self-contained HTML report (charts inline, opens offline) of the results stored last."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        path = ws.report(out, section or None, llm=llm)
    emit({"report": str(path.resolve()), "bytes": path.stat().st_size}, json_out, f"Report written to {path}")


@app.command()
def mirror(
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str | None, typer.Option(help="Roll up by author, campaign or segment.")] = None,
    permutations: Annotated[int, typer.Option(help="Permutations for the p-value.")] = 1000,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the CI.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    stratify: Annotated[str, typer.Option(help="Parent attribute that defines null strata (with kind).")] = "channel",
    json_out: JsonOpt = False,
) -> None:
    """Do responses echo the emotion of the content they answer? Lift over a permutation null, with CI."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        result = ws.mirror(by=by, n_perm=permutations, n_boot=bootstrap, seed=seed, stratify=stratify)
    render_mirror(result, json_out)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo workspace and report.")] = Path(
        "demo-output"
    ),
    json_out: JsonOpt = False,
) -> None:
    """Build a demo workspace from the bundled sample brand, analyse it and write the report."""
    from empathic.demo import run_demo

    with progress_bar("Demo", json_out, unit="steps") as progress:
        result = run_demo(out, progress=progress)
    emit(
        result.to_dict(),
        json_out,
        f"Demo workspace: {result.workspace}\nReport: {result.report}\nOpen it in a browser (works offline).",
    )


@app.command()
def backends(
    kind: Annotated[str | None, typer.Option(help=f"One of: {', '.join(registry.KINDS)}.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List registered backends (built-in and plugins) by kind."""
    kinds = [kind] if kind else list(registry.KINDS)
    render_backends({k: registry.entries(k) for k in kinds}, json_out)


_SIGNALS: list[int] = []  # signals received while main() runs: typer turns KeyboardInterrupt into a bare 130


def _on_signal(signum: int, _frame: object) -> None:
    _SIGNALS.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _interrupted(exc: BaseException | None = None) -> Interrupted:
    """A command without its own account of what it saved was stopped (batch jobs raise their own)."""
    signum = _SIGNALS[-1] if _SIGNALS else getattr(exc, "signum", signal.SIGINT)
    return Interrupted("Interrupted before the command finished; run the same command again.", signum=signum)


_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
    """Settings left out of an untrusted workspace: one plain line on stderr (stdout stays clean for --json)."""
    if issubclass(category, UntrustedSettingWarning):
        print(terminal_safe(f"warning: {message}"), file=sys.stderr)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn Empathic errors into exit code 2.

    Ctrl-C and SIGTERM end any command with an :class:`~empathic.errors.Interrupted` error (EMP030)
    and exit 130 / 143 (128 + the signal), never 0; jobs that save in batches say how much was saved.
    """
    args = sys.argv[1:] if argv is None else argv
    json_out = "--json" in args
    # SIGTERM unwinds like Ctrl-C, so the batch in flight rolls back (handlers can only be set in the main thread)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = {
        s: signal.signal(s, _on_signal)
        for s in (signal.SIGINT, signal.SIGTERM)
        if main_thread and signal.getsignal(s) is not signal.SIG_IGN  # ignored (nohup, `&`): stays ignored
    }
    _SIGNALS.clear()
    code: object = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", UntrustedSettingWarning)
            warnings.showwarning = _show_warning
            code = app(args=args, standalone_mode=False)
    except Interrupted as exc:
        print_error(exc, json_out)
        sys.exit(exc.exit_code)
    except EmpathicError as exc:
        print_error(exc, json_out)
        sys.exit(2)
    except OSError as exc:  # a file fault no layer turned into an EMP error: still no traceback
        from empathic.workspace import os_fault  # imported only on this path: start-up stays light

        print_error(os_fault(exc), json_out)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt) as exc:  # Abort: click's form of an interrupt; bare: outside a command
        err = _interrupted((exc.__cause__ or exc) if isinstance(exc, typer.Abort) else exc)
        print_error(err, json_out)
        sys.exit(err.exit_code)
    except typer.TyperException as exc:  # usage errors (bad option values...) in non-standalone mode
        show, text = getattr(exc, "show", None), io.StringIO()
        if callable(show):
            show(file=text)
        else:
            print(exc, file=text)
        sys.stderr.write(terminal_safe(text.getvalue()))  # it quotes the values given, which may be pasted text
        sys.exit(int(getattr(exc, "exit_code", 2)))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if _SIGNALS or code == 130:  # typer returned the exit code of an interrupt it caught: say it, never exit 0
        err = _interrupted()
        print_error(err, json_out)
        sys.exit(err.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
