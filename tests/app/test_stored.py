"""Stored results come back as typed records; a damaged one is an EMP050 error with the fix, never a traceback."""

from __future__ import annotations

import json
import math

import pytest

from empathic.app import mirror, voc
from empathic.app.predict import stored_propensity
from empathic.cli.main import main
from empathic.errors import StoredResultError
from empathic.store import open_store
from empathic.types import MirrorResult, Persona, Theme, ThemeRun


def test_stored_records_round_trip_through_the_store() -> None:
    store = open_store("memory")
    personas = [Persona("West", 3, {"region": "west"}, ("pockets",), ("fit",), {"joy": 0.5}, (1,), (1, 2, 3))]
    store.save_results(voc.PERSONAS_KIND, {p.name: p.to_payload() for p in personas})
    run = ThemeRun((Theme(0, "fit", ("fit",), 2, 1.0, (1, 2), (1,), 4.5, {"joy": 0.7}, {"2024-01": 2}),), n_themes=1)
    store.save_results(voc.THEMES_KIND, {"latest": run.to_payload()})
    echo = MirrorResult(5, 9, 0.7, 0.5, 0.2, 0.1, 0.3, 0.01, warnings=("w",))
    store.save_results(mirror.MIRROR_KIND, {"latest": echo.to_payload()})
    assert voc.stored_personas(store) == personas and voc.stored_themes(store) == run
    got = mirror.stored_mirror(store)
    assert got == echo and math.isnan(MirrorResult.from_payload(MirrorResult(0, 0).to_payload()).lift)


@pytest.mark.parametrize(
    ("kind", "payload", "read"),
    [
        (voc.PERSONAS_KIND, {"West": {"size": "many"}}, voc.stored_personas),
        (voc.THEMES_KIND, {"latest": {"themes": [{"label": "fit"}]}}, voc.stored_themes),
        (mirror.MIRROR_KIND, {"latest": ["not", "an", "object"]}, mirror.stored_mirror),
        ("propensity", {"rating >= 4": {"target": "rating >= 4"}}, stored_propensity),
    ],
)
def test_a_damaged_stored_result_is_emp050(kind: str, payload: dict, read) -> None:
    store = open_store("memory")
    store.save_results(kind, payload)
    with pytest.raises(StoredResultError, match=f"stored {kind} result") as e:
        read(store)
    assert e.value.code == "EMP050" and "empathic " in (e.value.hint or "")


def test_report_on_a_damaged_stored_result_says_which_and_how_to_fix(workspace, capsys) -> None:
    workspace.store.save_results(voc.PERSONAS_KIND, {"West": {"size": "many"}})
    workspace.close()
    out = workspace.path / "report.html"
    with pytest.raises(SystemExit) as e:
        main(["report", "-w", str(workspace.path), "--out", str(out), "--section", "personas", "--json"])
    error = json.loads(capsys.readouterr().out)["error"]
    assert e.value.code == 2 and error["code"] == "EMP050" and "'West'" in error["message"]
    assert "empathic personas" in error["hint"] and not out.exists()
