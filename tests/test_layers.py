"""The CLI and the report reach the store only through the application layer (empathic.app)."""

from __future__ import annotations

import grimp
import pytest

STAGES = ("analyse", "safety", "relate", "narrate", "experiment", "predict", "ingest")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("empathic")


def _touches_store(graph: grimp.ImportGraph, module: str) -> bool:
    return any(m == "empathic.store" or m.startswith("empathic.store.") for m in graph.find_upstream_modules(module))


@pytest.mark.parametrize("face", ["empathic.cli", "empathic.report"])
def test_cli_and_report_import_no_stage_module_that_touches_the_store(graph, face: str) -> None:
    faces = {face} | graph.find_children(face) | graph.find_descendants(face)
    imported = {m for f in faces for m in graph.find_modules_directly_imported_by(f)}
    stages = sorted(m for m in imported if m.split(".")[1:2] and m.split(".")[1] in STAGES)
    assert stages, "the walk found the stage modules the faces use"
    assert [m for m in stages if _touches_store(graph, m)] == []


def test_no_stage_touches_the_store(graph) -> None:
    stage_modules = sorted(m for s in STAGES if s != "ingest" for m in graph.find_descendants(f"empathic.{s}"))
    assert stage_modules and [m for m in stage_modules if _touches_store(graph, m)] == []
