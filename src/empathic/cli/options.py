"""Options shared by every command module, so each flag reads and behaves the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", envvar="EMPATHIC_WORKSPACE", help="Workspace folder (made by init).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def split_list(value: str | None) -> list[str]:
    """A comma-separated option as a list, blanks dropped.

    >>> split_list(" a, b,,c "), split_list(None)
    (['a', 'b', 'c'], [])
    """
    return [v.strip() for v in value.split(",") if v.strip()] if value else []
