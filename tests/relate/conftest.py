"""A real SQLite workspace built from the demo's reviews and testimonials, analysed once per session."""

from __future__ import annotations

import pytest

from empathic.demo import DATA_DIR, DEMO_FILES
from empathic.workspace import Workspace


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory):
    """Reviews + testimonials of the demo brand, analysed (vader, emotion, embedding), personas stored."""
    ws = Workspace.init(tmp_path_factory.mktemp("relate") / "ws")
    for f in DEMO_FILES:
        if f.name in ("reviews.csv", "testimonials.csv"):
            ws.ingest(DATA_DIR / f.name, f.mapping, f.kind, source=f.source)
    ws.analyze()
    ws.personas()
    yield ws
    ws.close()
