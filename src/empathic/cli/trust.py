"""``empathic trust``: review, record, list and revoke trust in a received workspace's sensitive settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from empathic.cli.options import JsonOpt
from empathic.cli.render import out, print_json
from empathic.config import review_trust, revoke_trust, shown, trust_workspace, trusted_workspaces
from empathic.errors import TrustError
from empathic.trust import TRUST_FILE, config_home
from empathic.types import TrustReview


def trust(
    directory: Annotated[Path | None, typer.Argument(help="Workspace folder whose empathic.toml to trust.")] = None,
    show: Annotated[bool, typer.Option("--show", help="Only show what needs trust; record nothing.")] = False,
    revoke: Annotated[bool, typer.Option("--revoke", help="Forget this folder's trust.")] = False,
    list_all: Annotated[
        bool, typer.Option("--list", help="List the trusted folders and whether each trust still holds.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Trust a workspace's settings that reach the network, name a variable or load files from elsewhere.

    Shows what its empathic.toml sets (endpoint, key variable name, model, store, model file) and records it.

    Any later edit of those values voids the trust.
    """
    if list_all:
        if directory is not None or show or revoke:
            raise TrustError("--list takes no folder and no other option.", hint="Run: empathic trust --list")
        _render_list(json_out)
        return
    if directory is None:
        raise TrustError("Give the workspace folder to trust.", hint="e.g. empathic trust ./brand-ws (or --list).")
    if show and revoke:
        raise TrustError("--show and --revoke do not go together.", hint="Use one of them.")
    if revoke:
        revoked = revoke_trust(directory)
        where = str(directory.resolve())
        if json_out:
            print_json({"workspace": where, "revoked": revoked})
        else:
            msg = f"Revoked the trust in {shown(where)}." if revoked else f"{shown(where)} was not trusted."
            out.print(Text(msg))
        return
    review = review_trust(directory) if show else trust_workspace(directory)
    if json_out:
        print_json(review.to_dict() | {"recorded": not show and review.record is not None})
        return
    _render_review(review, directory, recorded=not show)


def _render_review(review: TrustReview, directory: Path, *, recorded: bool) -> None:
    where = shown(review.workspace)
    if not review.needs_trust:
        out.print(Text(f"Nothing to trust: {where}/empathic.toml sets no sensitive setting; all of it applies."))
        return
    if recorded:
        head = f"Trusted {where}. From now on these settings of its empathic.toml apply:"
    elif review.trusted:
        head = f"{where} is trusted; these settings of its empathic.toml apply:"
    else:
        head = f"{where} is not trusted; these settings of its empathic.toml are ignored until you trust it:"
    lines = [head]
    for key, value in review.needs_trust.items():
        note = " (the variable's value is never shown or stored)" if key == "narrate.api_key_env" else ""
        lines.append(f"  {key} = {value!r}  — {review.reasons[key]}{note}")
    lines += [f"  ({var} is overridden by its EMPATHIC_* variable)" for var in review.overridden]
    if recorded:
        lines.append(
            f"Recorded in {shown(config_home() / TRUST_FILE)}. Editing any of these voids the trust; "
            f"revoke it with: empathic trust {shown(directory, quote=True)} --revoke"
        )
    elif not review.trusted:
        lines.append(f"Trust them with: empathic trust {shown(directory, quote=True)}")
    out.print(Text("\n".join(lines)))


def _render_list(json_out: bool) -> None:
    records = trusted_workspaces()
    if json_out:
        print_json({"trusted": [r.to_dict() for r in records]})
        return
    if not records:
        out.print(Text("No trusted workspace."))
        return
    table = Table(title="Trusted workspaces")
    for col in ("workspace", "state", "trusted at", "settings"):
        table.add_column(col)
    for r in records:
        values = "\n".join(f"{k} = {v!r}" for k, v in r.settings.items())
        table.add_row(Text(shown(r.workspace)), Text(r.state), Text(r.trusted_at), Text(values))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(trust)
