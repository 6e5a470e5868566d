"""Relate commands: persona-matched testimonials (thin: parse, call, render)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from empathic.cli.options import JsonOpt, WorkspaceOpt
from empathic.cli.render import out, print_json
from empathic.errors import RelateError
from empathic.types import Audience


def testimonials(
    workspace: WorkspaceOpt = Path("."),
    persona: Annotated[str | None, typer.Option(help="A stored persona's name (see `empathic personas`).")] = None,
    audience: Annotated[
        str | None, typer.Option(help="Attribute filters instead of a persona, e.g. 'age_band=25-34,region=west'.")
    ] = None,
    product: Annotated[str | None, typer.Option(help="Only testimonials about this product.")] = None,
    k: Annotated[int, typer.Option("--k", help="How many to return.")] = 10,
    ranker: Annotated[str, typer.Option(help="Ranker backend: 'embedding' (default) or 'lexical'.")] = "embedding",
    diversity: Annotated[float, typer.Option(help="MMR diversity in [0, 1] (0 = score order).")] = 0.3,
    explain: Annotated[bool, typer.Option("--explain", help="List every excluded candidate and why.")] = False,
    include_flagged: Annotated[
        bool,
        typer.Option(
            "--include-flagged",
            help="Also rank testimonials the injection/abuse detector flags (shown with their unsafe flags).",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Consented testimonials ranked for a persona or audience, with explained scores and exclusions."""
    from empathic.relate.rankers import COMPONENTS
    from empathic.workspace import Workspace

    if (persona is None) == (audience is None):
        raise RelateError("Give exactly one of --persona or --audience.",
                          hint="e.g. --persona '25-34 · west' or --audience 'age_band=25-34,region=west'.")  # fmt: skip
    try:
        target = Audience.parse(audience) if audience is not None else None
    except ValueError as exc:
        raise RelateError(str(exc), hint="Separate filters with commas: key=value,key=value.") from None
    with Workspace(workspace) as ws:
        ranking = ws.testimonials(
            target,
            persona=persona,
            product=product,
            k=k,
            ranker=ranker,
            diversity=diversity,
            include_flagged=include_flagged,
        )
    if json_out:
        print_json(ranking.to_dict(explain=explain))
        return
    t = Table(title=f"Testimonials for {ranking.audience.label} ({ranking.ranker} ranker)")
    for col in ("#", "source", "score", "rel / res / spec / auth", "author", "highlight"):
        t.add_column(col, overflow="fold", justify="right" if col in ("#", "score") else "left")
    for r in ranking.results:
        parts = " / ".join(f"{r.components.get(n, 0):.2f}" for n in COMPONENTS)
        attrs = ", ".join(v for key, v in r.attrs.items() if key != "incentivised" and len(v) < 20)
        note = " [incentivised]" if r.incentivised else ""
        flags = f" [{', '.join(r.flags)}]" if r.flags else ""
        who = f"{r.author or '–'} ({attrs})" if attrs else (r.author or "–")
        t.add_row(str(r.rank), r.source_id, f"{r.score:.3f}", parts, who, r.highlight + note + flags)
    out.print(t)
    reasons = Counter(e.reason for e in ranking.excluded)
    out.print(f"{len(ranking.excluded):,} excluded: " + (", ".join(f"{k} {v:,}" for k, v in reasons.items()) or "none"))
    if explain:
        ex = Table(title="Excluded candidates")
        for col in ("doc", "source", "reason", "detail"):
            ex.add_column(col, overflow="fold")
        for e in ranking.excluded:
            ex.add_row(str(e.doc_id), e.source_id, e.reason, e.detail)
        out.print(ex)


def register(app: typer.Typer) -> None:
    app.command()(testimonials)
