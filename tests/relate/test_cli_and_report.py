"""`empathic testimonials --json` and the report section, on the real SQLite workspace."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from empathic.cli.main import main
from empathic.relate.signals import sentences
from empathic.report import render_report
from empathic.types import DocumentKind


def _run(capsys, *args: str) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    return int(e.value.code or 0), json.loads(capsys.readouterr().out)


def test_cli_persona_json(capsys, demo_ws) -> None:
    name = sorted(demo_ws.store.results("persona"))[0]
    code, out = _run(capsys, "testimonials", "-w", str(demo_ws.path), "--persona", name, "--k", "4", "--json")
    assert code == 0 and out["audience"]["persona"] == name and len(out["results"]) == 4
    first = out["results"][0]
    assert {"doc_id", "source_id", "score", "components", "highlight", "incentivised", "flags"} <= set(first)
    assert first["consent"] is True and "excluded" not in out and out["excluded_count"] > 0


def test_cli_audience_explain_lists_every_exclusion(capsys, demo_ws) -> None:
    code, out = _run(
        capsys, "testimonials", "-w", str(demo_ws.path), "--audience", "age_band=25-34,region=west",
        "--ranker", "lexical", "--explain", "--json",
    )  # fmt: skip
    assert code == 0 and out["audience"]["attributes"] == {"age_band": "25-34", "region": "west"}
    reasons = {e["source_id"]: e["reason"] for e in out["excluded"]}
    assert len(reasons) == out["excluded_count"] and reasons["T014"] == "consent_false"
    assert reasons["T015"] == "consent_unknown" and reasons["R0001"] == "consent_unknown"
    assert not {r["source_id"] for r in out["results"]} & set(reasons)


def test_cli_errors_are_coded(capsys, demo_ws) -> None:
    code, out = _run(capsys, "testimonials", "-w", str(demo_ws.path), "--persona", "nobody", "--json")
    assert code == 2 and out["error"]["code"] == "EMP801"
    code, out = _run(capsys, "testimonials", "-w", str(demo_ws.path), "--audience", "age_band", "--json")
    assert code == 2 and out["error"]["code"] == "EMP800"


def test_report_shows_testimonials_per_persona_and_never_a_non_consented_one(demo_ws) -> None:
    quoting = ("emotions", "themes", "needs", "personas", "testimonials", "quotes")  # every section that quotes
    html = render_report(demo_ws.store, settings=demo_ws.settings, sections=quoting)
    section = re.search(r'<section id="testimonials">(.*?)</section>', html, re.S)
    assert section, "the testimonials section is in the default report"
    body = section.group(1)
    assert body.count("<h3>") == len(demo_ws.store.results("persona")) and "<mark>" in body and "<svg" in body
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\s+", " ", text)
    blocked = [d for d in demo_ws.store.iter_documents(DocumentKind.TESTIMONIAL) if d.consent is not True]
    assert len(blocked) == 15
    for d in blocked:  # not the text, nor any sentence of it (reports quote sentences too)
        for s in sentences(d.text):
            if len(s) >= 25:
                assert s not in text, (d.source_id, d.consent, s)
    shown = set(re.findall(r"#(T\d{3}) \(doc", body))
    consented = {d.source_id for d in demo_ws.store.iter_documents(DocumentKind.TESTIMONIAL) if d.consent is True}
    assert shown and shown <= consented
