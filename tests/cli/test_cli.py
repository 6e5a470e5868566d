"""The CLI is thin: every command has --help, the data commands have --json, errors use one envelope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.cli.main import app, main

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def test_commands_are_the_documented_ones() -> None:
    assert set(COMMANDS) >= {"init", "ingest", "status", "quarantine", "analyze", "report", "demo", "backends"}


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_works_for_every_command(capsys, command: str | None) -> None:
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == 0 and "Usage" in out


def test_version(capsys) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("empathic ")


def test_json_flow_init_ingest_analyze_status_quarantine_report(capsys, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    data = tmp_path / "r.csv"
    data.write_text("id,text,stars\n1,Love the colour!,5\n2,,3\n3,Zip broke. Annoyed.,1\n")
    assert run(capsys, "init", ws, "--json")[0] == 0
    code, out, _ = run(capsys, "ingest", str(data), "-w", ws, "--id-col", "id", "--rating-col", "stars", "--json")
    ingest = json.loads(out)
    assert code == 0
    assert {k: ingest[k] for k in ("read", "stored", "skipped", "quarantined", "by_reason")} == {
        "read": 3,
        "stored": 2,
        "skipped": 0,
        "quarantined": 1,
        "by_reason": {"empty_text": 1},
    }
    code, out, _ = run(capsys, "analyze", "-w", ws, "--json")
    assert code == 0 and json.loads(out)["analysed"] == {"vader": 2, "emotion": 2, "embedding": 2}
    code, out, _ = run(capsys, "status", "-w", ws, "--json")
    status = json.loads(out)
    assert status["by_kind"] == {"review": 2} and status["analysed"] == {"vader": 2, "emotion": 2, "embedding": 2}
    assert status["unanalysed"] == {"vader": 0, "emotion": 0, "embedding": 0} and status["quarantined_by_reason"] == {
        "empty_text": 1
    }
    code, out, _ = run(capsys, "quarantine", "-w", ws, "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and rows[0]["reason"] == "empty_text" and rows[0]["raw"] == "2,,3\n" and rows[0]["line"] == 3
    code, out, _ = run(capsys, "report", "-w", ws, "--out", str(tmp_path / "r.html"), "--json")
    assert code == 0 and json.loads(out)["bytes"] > 1000
    code, out, _ = run(capsys, "backends", "--json")
    assert "vader" in [b["name"] for b in json.loads(out)["analyser"]]


def test_human_output_renders_tables(capsys, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    run(capsys, "init", ws)
    data = tmp_path / "r.csv"
    data.write_text("text\nLovely\n")
    code, out, _ = run(capsys, "ingest", str(data), "-w", ws)
    assert code == 0 and "stored" in out
    code, out, _ = run(capsys, "status", "-w", ws)
    assert code == 0 and "review" in out


def test_errors_use_one_envelope_and_exit_2(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "status", "-w", str(tmp_path / "nowhere"), "--json")
    assert code == 2
    err = json.loads(out)["error"]
    assert err["code"] == "EMP201" and "empathic init" in err["hint"]
    code, _, stderr = run(capsys, "status", "-w", str(tmp_path / "nowhere"))
    assert code == 2 and "EMP201" in stderr and "Fix:" in stderr


def test_bad_option_value_is_a_usage_error(capsys, tmp_path: Path) -> None:
    code, _, stderr = run(capsys, "ingest", "x.csv", "--kind", "tweet")
    assert code == 2 and "tweet" in stderr
