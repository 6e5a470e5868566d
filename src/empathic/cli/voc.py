"""Voice-of-the-customer commands: themes, needs, drivers, personas (thin: call, then render)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from empathic.cli.options import JsonOpt, WorkspaceOpt
from empathic.cli.render import out, print_json


def _plain(obj: Any) -> Any:
    d = asdict(obj)
    return {k: (dict(v) if hasattr(v, "items") else list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


def themes(
    workspace: WorkspaceOpt = Path("."),
    n: Annotated[int | None, typer.Option("--n", help="Number of themes (default: chosen by silhouette).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Themes of the customer voice: keywords, size, share, rating, emotion mix, quotes, outliers."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        found = ws.themes(n_themes=n, seed=seed)
        texts = {
            i: (ws.store.get_document(i).text if ws.store.get_document(i) else "") for t in found for i in t.quote_ids
        }
    if json_out:
        print_json({"themes": [_plain(t) | {"quotes": [texts[i] for i in t.quote_ids]} for t in found]})
        return
    t = Table(title=f"{len(found)} themes")
    for col in ("theme", "size", "share", "rating", "example"):
        t.add_column(col, overflow="fold", justify="right" if col in ("size", "share", "rating") else "left")
    for th in found:
        rating = f"{th.mean_rating:.2f}" if th.mean_rating is not None else "–"
        example = texts[th.quote_ids[0]][:120] if th.quote_ids else ""
        t.add_row(th.label, f"{th.size:,}", f"{th.share:.0%}", rating, example)
    out.print(t)


def needs(
    workspace: WorkspaceOpt = Path("."),
    top: Annotated[int, typer.Option(help="Backlog items to show.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Needs, pain points, wishes and suggestions, aggregated into a design-idea backlog."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        found, backlog = ws.needs(top=top)
    if json_out:
        by_kind: dict[str, int] = {}
        for n in found:
            by_kind[n.kind.value] = by_kind.get(n.kind.value, 0) + 1
        print_json({"sentences": len(found), "by_kind": by_kind, "backlog": [_plain(i) for i in backlog]})
        return
    t = Table(title=f"Design-idea backlog ({len(found):,} need sentences)")
    for col in ("idea", "kind", "evidence", "rating impact", "example"):
        t.add_column(col, overflow="fold")
    for i in backlog:
        impact = f"{i.rating_impact:+.2f}" if i.rating_impact is not None else "–"
        t.add_row(i.idea, i.kind.value, str(i.evidence), impact, i.quotes[0] if i.quotes else "")
    out.print(t)


def drivers(
    workspace: WorkspaceOpt = Path("."),
    target: Annotated[str, typer.Option(help="'rating' or a numeric attribute column, e.g. 'Recommended IND'.")] = (
        "rating"
    ),
    json_out: JsonOpt = False,
) -> None:
    """Which emotions and themes move the target: regression coefficients with 95% CIs."""
    from empathic.workspace import Workspace

    with Workspace(workspace) as ws:
        effects = ws.drivers(target=target)
    if json_out:
        print_json({"target": target, "effects": [_plain(e) for e in effects]})
        return
    t = Table(title=f"Drivers of {target} (per 1 SD of the feature)")
    for col in ("feature", "effect", "95% CI", "p", "n"):
        t.add_column(col, justify="left" if col == "feature" else "right")
    for e in effects:
        t.add_row(e.feature, f"{e.coef:+.3f}", f"{e.ci_low:+.3f} to {e.ci_high:+.3f}", f"{e.p_value:.3g}", f"{e.n:,}")
    out.print(t)


def personas(
    workspace: WorkspaceOpt = Path("."),
    dimensions: Annotated[str | None, typer.Option(help="Comma-separated attributes to segment by.")] = None,
    min_size: Annotated[int, typer.Option(help="Smallest persona.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Persona cards from author attributes and their words; stored by name for targeting."""
    from empathic.workspace import Workspace

    dims = [d.strip() for d in dimensions.split(",")] if dimensions else None
    with Workspace(workspace) as ws:
        found = ws.personas(dimensions=dims, min_size=min_size)
    if json_out:
        print_json({"personas": [_plain(p) for p in found]})
        return
    t = Table(title=f"{len(found)} personas")
    for col in ("persona", "size", "top needs", "emotion"):
        t.add_column(col, overflow="fold")
    for p in found:
        top_emotion = max(
            ((k, v) for k, v in p.emotion_profile.items() if k != "neutral"), key=lambda kv: kv[1], default=("–", 0.0)
        )
        t.add_row(p.name, f"{p.size:,}", ", ".join(p.top_needs[:3]) or "–", f"{top_emotion[0]} {top_emotion[1]:.2f}")
    out.print(t)


def register(app: typer.Typer) -> None:
    for fn in (themes, needs, drivers, personas):
        app.command()(fn)
