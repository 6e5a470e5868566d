"""themes / needs / drivers / personas / mirror on the demo workspace, through the CLI with --json."""

from __future__ import annotations

import json

import pytest

from empathic.cli.main import main
from empathic.demo import run_demo
from empathic.workspace import Workspace


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo")).workspace


def _json(capsys, *args: str) -> dict:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    assert e.value.code == 0
    return json.loads(capsys.readouterr().out)


def test_themes(capsys, demo_ws) -> None:
    out = _json(capsys, "themes", "-w", demo_ws, "--json")["themes"]
    assert len(out) >= 3 and sum(t["size"] for t in out) == 361 + 170 + 45, "every customer document is in a theme"
    assert all(len(t["quotes"]) == len(t["quote_ids"]) for t in out)


def test_needs_backlog(capsys, demo_ws) -> None:
    out = _json(capsys, "needs", "-w", demo_ws, "--top", "10", "--json")
    assert out["sentences"] > 50 and 0 < len(out["backlog"]) <= 10
    assert out["backlog"][0]["evidence"] >= out["backlog"][-1]["evidence"]


def test_drivers_of_rating(capsys, demo_ws) -> None:
    effects = {e["feature"]: e for e in _json(capsys, "drivers", "-w", demo_ws, "--json")["effects"]}
    assert effects["emotion:sadness"]["ci_high"] < 0 < effects["emotion:joy"]["ci_low"]


def test_personas_are_stored_by_name(capsys, demo_ws) -> None:
    out = _json(capsys, "personas", "-w", demo_ws, "--json")["personas"]
    assert sum(p["size"] for p in out) == 361 + 170 + 45, "no author is lost"
    with Workspace(demo_ws) as ws:
        assert set(ws.store.results("persona")) == {p["name"] for p in out}


def test_mirror_json_shape(capsys, demo_ws) -> None:
    out = _json(capsys, "mirror", "-w", demo_ws, "--permutations", "100", "--bootstrap", "100", "--json")
    assert {
        "items",
        "responses",
        "mirror_similarity",
        "null_similarity",
        "lift",
        "ci_low",
        "ci_high",
        "p_value",
        "by_emotion",
        "transfer",
    } <= set(out)
