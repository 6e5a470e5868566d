"""Terminal output is safe (trust point 5): customer text is shown, never obeyed, by the terminal.

A workspace whose texts, attribute values, column names and file name carry a screen clear, an
OSC 52 clipboard write, an OSC 8 hyperlink, BEL, a carriage-return overwrite, a one-byte CSI, bidi
overrides, a zero-width space and Rich markup is run through every human-readable command. None of
those characters may reach stdout or stderr; the database keeps the text byte for byte, and
``--json`` decodes to it exactly.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.demo import DATA_DIR, DEMO_FILES

PAYLOAD = (
    "\x1b[2J\x1b[H"  # clear the screen, cursor home
    "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: write the clipboard, ended by BEL
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x07"  # bell
    "pay 10\rpay 99"  # carriage-return overwrite
    "\x9b31m"  # one-byte (C1) CSI
    " \u202egnp.exe\u202c \u2066iso\u2069 zero\u200bwidth"  # bidi override, isolate, zero-width space
    " [link=https://evil.example]markup[/link] [bold red]loud[/]"  # Rich markup
)
SHORT = "\x1b[31m\u202e\x07"  # for names (attribute values, columns, variants)
FORBIDDEN = ["\x1b", "\x07", "\r", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069", "\u200b"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def shown_safely(capsys, *args: str, code: int = 0) -> str:
    """Run a human-readable command; its output must hold none of the raw sequences."""
    got, out, err = run(capsys, *args)
    assert got == code, out + err
    for stream in (out, err):
        leaked = [repr(c) for c in FORBIDDEN if c in stream]
        assert not leaked, f"{args[0]} printed {leaked}:\n{stream}"
    return out + err


def _hostile_copy(src: Path, dst: Path, *, every: int, limit: int | None = None) -> Path:
    """The demo file with PAYLOAD in every ``every``-th text and SHORT in those rows' region."""
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:limit]
    for i, row in enumerate(rows):
        if i % every == 0:
            row["text"] = f"{row['text']} {PAYLOAD}"
            row["region"] = f"{row['region']}{SHORT}"
    with dst.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        w.writerow(dict.fromkeys(rows[0], "") | {"author": PAYLOAD})  # empty text: quarantined with its raw row
    return dst


@pytest.fixture
def hostile(tmp_path: Path, capsys) -> tuple[str, Path]:
    """An initialised workspace and a review file (with a hostile file name) ingested through the CLI."""
    ws = str(tmp_path / "ws")
    assert run(capsys, "init", ws)[0] == 0
    reviews = _hostile_copy(DATA_DIR / "reviews.csv", tmp_path / f"reviews{SHORT}.csv", every=3, limit=60)
    return ws, reviews


def _ingest_args(path: Path, ws: str) -> list[str]:
    m = next(f for f in DEMO_FILES if f.name == "reviews.csv").mapping
    return [
        "ingest", str(path), "-w", ws, "--id-col", m.id_col or "", "--author-col", m.author_col or "",
        "--rating-col", m.rating_col or "", "--product-col", m.product_col or "", "--time-col", m.time_col or "",
    ]  # fmt: skip


def test_reading_commands_and_errors_neutralise_hostile_text(capsys, hostile, tmp_path: Path) -> None:
    ws, reviews = hostile
    shown = shown_safely(capsys, *_ingest_args(reviews, ws))
    assert "␛" in shown  # the file name is there, with its escape made visible
    assert "␛[2J" in shown_safely(capsys, "quarantine", "-w", ws)  # the raw row, visibly
    shown_safely(capsys, "status", "-w", ws)
    # file and column names that end up in error messages
    bad_cols = tmp_path / "cols.csv"
    bad_cols.write_text(f"id,body{SHORT}\n1,hello\n", encoding="utf-8")
    assert "EMP402" in shown_safely(capsys, "ingest", str(bad_cols), "-w", ws, code=2)
    # names read from an experiment file
    exp = tmp_path / "exp.csv"
    exp.write_text("arm,click\n" + "".join(f"{a},{i % 2}\n" for i in range(40) for a in ("A", f"B{SHORT}")))
    shown_safely(capsys, "experiment", "analyze", "--data", str(exp), "--variant-col", "arm", "--control", "A",
                 "--metrics", "click", "--binary", "click")  # fmt: skip
    out = shown_safely(capsys, "bandit", "recommend", "--bandit", f"b{SHORT}", "--arms", f"x{SHORT},y", "-w", ws)
    assert "<U+202E>" in out
    shown_safely(capsys, "pretest", "rank", PAYLOAD, "plain headline", "--model", "lexicon-ngram")
    assert "Invalid value" in shown_safely(capsys, "ingest", str(reviews), "-w", ws, "--kind", PAYLOAD, code=2)

    # stored byte for byte, and --json gives exactly the stored text back
    with sqlite3.connect(Path(ws) / "empathic.sqlite") as db:
        texts = [t for (t,) in db.execute("SELECT text FROM documents")]
    assert sum(t.endswith(" " + PAYLOAD) for t in texts) == 20
    code, out, _ = run(capsys, "quarantine", "-w", ws, "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and any(PAYLOAD in r["raw"] for r in rows)
    assert not any(c in out for c in ("\x1b", "\u202e", "\x9b"))  # escaped in the JSON text, exact once decoded


@pytest.mark.slow
def test_analysis_commands_neutralise_hostile_text(capsys, hostile, tmp_path: Path) -> None:
    ws, reviews = hostile
    run(capsys, *_ingest_args(reviews, ws))
    t = next(f for f in DEMO_FILES if f.name == "testimonials.csv")
    testimonials = _hostile_copy(DATA_DIR / "testimonials.csv", tmp_path / "t.csv", every=2)
    m = t.mapping
    assert run(capsys, "ingest", str(testimonials), "-w", ws, "--kind", "testimonial", "--id-col", m.id_col or "",
               "--author-col", m.author_col or "", "--consent-col", m.consent_col or "",
               "--product-col", m.product_col or "")[0] == 0  # fmt: skip
    shown_safely(capsys, "analyze", "-w", ws)
    shown_safely(capsys, "themes", "-w", ws, "--n", "3")
    shown_safely(capsys, "needs", "-w", ws)
    shown_safely(capsys, "drivers", "-w", ws)
    assert "<U+202E>" in shown_safely(capsys, "personas", "-w", ws, "--dimensions", "region", "--min-size", "2")
    code, out, _ = run(capsys, "personas", "-w", ws, "--dimensions", "region", "--min-size", "2", "--json")
    assert code == 0
    hostile_persona = next(p["name"] for p in json.loads(out)["personas"] if SHORT in p["name"])
    shown_safely(capsys, "testimonials", "-w", ws, "--persona", hostile_persona, "--explain", "--ranker", "lexical")
    shown_safely(capsys, "narrate", "-w", ws, "--persona", hostile_persona)
    shown_safely(capsys, "mirror", "-w", ws, "--permutations", "50", "--bootstrap", "50")
    shown_safely(capsys, "emotion", "score", PAYLOAD, "--backend", "vader")
    shown_safely(capsys, "report", "-w", ws, "--out", str(tmp_path / f"r{SHORT}.html"))
