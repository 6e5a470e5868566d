"""``empathic narrate``: a guarded narrative for a persona (thin: parse, call, render)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.text import Text

from empathic.cli.options import JsonOpt, WorkspaceOpt
from empathic.cli.render import out, print_json
from empathic.cli.safe import terminal_safe
from empathic.errors import NarrateError
from empathic.types import Audience, NarrativeFormat


def narrate(
    workspace: WorkspaceOpt = Path("."),
    persona: Annotated[str | None, typer.Option(help="A stored persona's name (see `empathic personas`).")] = None,
    audience: Annotated[
        str | None, typer.Option(help="Attribute filters instead of a persona, e.g. 'age_band=25-34,region=west'.")
    ] = None,
    fmt: Annotated[NarrativeFormat, typer.Option("--format", help="What to write.")] = NarrativeFormat.AD,
    emotion: Annotated[str | None, typer.Option(help="Lead with quotes high in this emotion, e.g. joy.")] = None,
    llm: Annotated[
        str | None, typer.Option("--llm", help="Backend: extractive (default), local or openai (narrate.llm).")
    ] = None,
    product: Annotated[str | None, typer.Option(help="Only testimonials about this product.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the generation.")] = 0,
    include_flagged: Annotated[
        bool,
        typer.Option(
            "--include-flagged",
            help="Also draw on testimonials the injection/abuse detector flags (their flagged sentences are "
            "never quoted).",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Write an ad, e-mail, landing section, social post, video or first-person scene script from real quotes."""
    from empathic.workspace import Workspace

    if (persona is None) == (audience is None):
        raise NarrateError(
            "Give exactly one of --persona or --audience.",
            hint="e.g. --persona '25-34 · west' or --audience 'age_band=25-34,region=west'.",
        )
    try:
        target = Audience.parse(audience) if audience is not None else None
    except ValueError as exc:
        raise NarrateError(str(exc), hint="Separate filters with commas: key=value,key=value.") from None
    with Workspace(workspace) as ws:
        result = ws.narrate(
            target,
            persona=persona,
            fmt=fmt,
            llm=llm,
            emotion=emotion,
            product=product,
            seed=seed,
            include_flagged=include_flagged,
        )
    if json_out:
        print_json(result.to_dict())
        return
    sources = "\n".join(f"  doc {q.doc_id}: “{q.text}”" for q in result.quotes)
    flags = [f"{k}: {', '.join(map(str, v))}" for k, v in result.checks.items()
             if k in ("unsupported_numbers", "unsupported_claims") and v]  # fmt: skip
    title = Text(terminal_safe(f"{result.format.value} for {result.persona} ({result.backend})"))
    out.print(Panel(result.text, title=title))  # a str title would be read as Rich markup
    out.print(f"Quotes (verbatim, consented):\n{sources}")
    if flags:
        out.print("Flagged for review: " + "; ".join(flags))
    held = result.checks.get("flagged_sources") or []
    if held and not include_flagged:
        out.print(
            f"{len(held)} testimonial(s) flagged by the injection/abuse detector were left out "
            "(see `empathic testimonials --explain`; --include-flagged to use their clean sentences)."
        )


def register(app: typer.Typer) -> None:
    app.command()(narrate)
