"""experiment and bandit commands: --json output, workspace round trip, coded errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.demo import DATA_DIR


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def test_analyze_a_file_as_json(capsys, tmp_path: Path) -> None:
    data = tmp_path / "ab.csv"
    rows = ["arm,click,spend"] + [f"{'A' if i % 2 else 'B'},{int(i % 7 == 0)},{i % 5}" for i in range(2000)]
    data.write_text("\n".join(rows) + "\n")
    code, out, _ = run(
        capsys, "experiment", "analyze", "--data", str(data), "--variant-col", "arm", "--control", "A",
        "--metrics", "click,spend", "--binary", "click", "--json",
    )  # fmt: skip
    assert code == 0, out
    doc = json.loads(out)
    assert doc["control"] == "A" and doc["variants"] == ["A", "B"] and doc["srm"]["ok"] is True
    b = next(r for r in doc["results"] if r["variant"] == "B" and r["metric"] == "click")
    assert b["n"] == 1000 and set(b) >= {
        "abs_lift_ci",
        "rel_lift_ci",
        "p_value_adjusted",
        "sequential_cs",
        "expected_loss",
    }
    assert b["sequential_cs"][0] < b["abs_lift_ci"][0]
    code, _, err = run(capsys, "experiment", "analyze", "--data", str(data), "--control", "A", "--metrics", "click")
    assert code == 2 and "EMP952" in err and "--variant-col" in err


def test_workspace_round_trip_and_report(capsys, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    assert run(capsys, "init", ws, "--json")[0] == 0
    code, out, _ = run(capsys, "experiment", "list", "-w", ws, "--json")
    assert code == 0 and json.loads(out) == {"experiments": []}
    code, out, _ = run(
        capsys, "experiment", "ingest", str(DATA_DIR / "ads.csv"), "-w", ws, "--experiment-col", "experiment",
        "--variant-col", "variant", "--control", "control", "--n-col", "impressions", "--metrics",
        "clicks,conversions", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["mode"] == "arms"
    code, out, _ = run(capsys, "experiment", "list", "-w", ws, "--json")
    listed = {x["experiment"]: x for x in json.loads(out)["experiments"]}
    head = listed["spring_launch_headline"]
    assert code == 0 and head["control"] == "control" and set(head["metrics"]) == {"clicks", "conversions"}
    assert head["units"]["control"] > 0 and len(head["units"]) >= 2
    code, out, _ = run(capsys, "experiment", "analyze", "-w", ws, "--experiment", "spring_launch_headline", "--json")
    doc = json.loads(out)
    b = next(r for r in doc["results"] if r["variant"] == "b" and r["metric"] == "clicks")
    # the demo data's story: the testimonial headline wins, 2.7% against 1.7% click-through
    assert round(b["mean"], 3) == 0.027 and b["abs_lift_ci"][0] > 0 and b["chance_to_beat_control"] > 0.999
    code, out, _ = run(capsys, "experiment", "analyze", "-w", ws, "--experiment", "nope", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "EMP951"
    code, out, _ = run(capsys, "report", "-w", ws, "--out", str(tmp_path / "r.html"), "--json")
    html = (tmp_path / "r.html").read_text()
    assert code == 0 and 'id="experiments"' in html and "forest-plot" in html and "spring_launch_headline" in html


def test_bandit_commands(capsys, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    run(capsys, "init", ws, "--json")
    base = ("-w", ws, "--bandit", "subject", "--segment", "55+")
    code, out, _ = run(capsys, "bandit", "recommend", *base, "--arms", "calm,urgent", "--seed", "3", "--json")
    rec = json.loads(out)
    assert code == 0 and rec["arm"] in ("calm", "urgent") and set(rec["prob_best"]) == {"calm", "urgent"}
    code, out, _ = run(capsys, "bandit", "update", *base, "--arm", "calm", "--reward", "1", "--json")
    assert code == 0 and json.loads(out)["arms"]["calm"] == {"n": 1, "sum": 1.0, "mean": 1.0}
    code, out, _ = run(capsys, "bandit", "update", *base, "--arm", "calm", "--reward", "3", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "EMP953"
    code, out, _ = run(capsys, "bandit", "recommend", "-w", ws, "--bandit", "other", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "EMP951"
    log = tmp_path / "log.csv"
    log.write_text("arm,r\n" + "a,0\nb,1\n" * 200)
    code, out, _ = run(
        capsys, "bandit", "replay", "--data", str(log), "--arm-col", "arm", "--reward-col", "r", "--json"
    )
    policies = {p["policy"]: p for p in json.loads(out)["policies"]}
    assert code == 0 and policies["always-b"]["mean_reward"] == 1.0 and policies["always-a"]["matched"] == 200
    assert {"thompson-bernoulli", "uniform"} <= set(policies)
    code, out, _ = run(
        capsys, "bandit", "replay", "--data", str(log), "--arm-col", "arm", "--reward-col", "r",
        "--policies", "epsilon-greedy,nope", "--json",
    )  # fmt: skip
    assert code == 2 and json.loads(out)["error"]["code"] == "EMP501"
