"""`empathic narrate` and the narratives report section on a real SQLite workspace of the demo brand."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from empathic.cli.main import main
from empathic.config import Settings
from empathic.demo import DATA_DIR, DEMO_FILES
from empathic.report import render_report
from empathic.types import DocumentKind
from empathic.workspace import Workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """Reviews and testimonials of the demo brand, VADER only (fast: the lexical ranker), personas stored."""
    settings = Settings.from_mapping({"analyse": {"analysers": ["vader"]}})
    path = tmp_path_factory.mktemp("narrate") / "ws"
    Workspace.init(path).close()
    w = Workspace(path, settings=settings)
    for f in DEMO_FILES:
        if f.name in ("reviews.csv", "testimonials.csv"):
            w.ingest(DATA_DIR / f.name, f.mapping, f.kind, source=f.source)
    w.analyze()
    w.personas()
    yield w
    w.close()


def _run(capsys, *args: str) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    return int(e.value.code or 0), json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("fmt", ["ad", "email", "scene-script"])  # every format: test_injection.py
def test_cli_json(capsys, ws, fmt: str) -> None:
    name = sorted(ws.store.results("persona"))[0]
    code, out = _run(capsys, "narrate", "-w", str(ws.path), "--persona", name, "--format", fmt, "--json")
    assert code == 0 and {"text", "quotes", "checks", "backend"} <= set(out)
    assert out["backend"] == "extractive" and out["format"] == fmt and out["persona"] == name
    docs = {d.doc_id: d for d in ws.store.iter_documents()}
    assert out["quotes"]
    for q in out["quotes"]:
        assert docs[q["doc_id"]].consent is True and q["text"] in docs[q["doc_id"]].text and q["text"] in out["text"]
    incentivised = any(docs[q["doc_id"]].attrs.get("incentivised") == "true" for q in out["quotes"])
    assert out["checks"]["disclosure"] is incentivised and ("Disclosure:" in out["text"]) is incentivised


def test_no_persona_ever_gets_a_non_consented_testimonial(ws) -> None:
    refused = [d for d in ws.store.iter_documents(DocumentKind.TESTIMONIAL) if d.consent is not True]
    assert len(refused) == 15
    for name in ws.store.results("persona"):
        n = ws.narrate(persona=name, fmt="email")  # the format that quotes the most
        assert not any(d.text[:40] in n.text for d in refused), name
        assert all(ws.store.get_document(q.doc_id).consent is True for q in n.quotes)


def test_audience_emotion_and_errors(capsys, ws) -> None:
    code, out = _run(capsys, "narrate", "-w", str(ws.path), "--audience", "age_band=45-54", "--format", "social",
                     "--emotion", "joy", "--json")  # fmt: skip
    assert code == 0 and out["emotion"] == "joy" and out["quotes"]
    code, out = _run(capsys, "narrate", "-w", str(ws.path), "--persona", "nobody", "--json")
    assert code == 2 and out["error"]["code"] == "EMP801"
    code, out = _run(capsys, "narrate", "-w", str(ws.path), "--persona", "x", "--emotion", "glee", "--json")
    assert code == 2 and out["error"]["code"] == "EMP900" and "admiration" in out["error"]["hint"]
    code, out = _run(capsys, "narrate", "-w", str(ws.path), "--persona", "x", "--llm", "nope", "--json")
    assert code == 2 and out["error"]["code"] == "EMP501"


def test_report_section_one_narrative_per_persona_with_highlighted_sources(ws) -> None:
    html = render_report(ws.store, settings=ws.settings, sections=["narratives"])
    section = html.split('id="narratives"')[1].split("</section>")[0]
    personas = ws.store.results("persona")
    assert section.count("<h3>") == len(personas)
    docs = {f"{d.source}/{d.source_id}": d for d in ws.store.iter_documents()}
    marks = re.findall(r'<mark title="source ([^"]+)">(.*?)</mark>', section)
    assert len(marks) >= len(personas)
    for label, text in marks:
        assert docs[label].consent is True and unescape(text) in docs[label].text


def test_report_ranks_each_persona_once_for_both_sections(ws, monkeypatch) -> None:
    import empathic.app.relate as relate
    from empathic.app.relate import default_ranker, select_testimonials
    from empathic.app.report import report_audiences

    calls: list[str] = []

    def counting(store, audience, **kw):
        calls.append(audience.label)
        return select_testimonials(store, audience, **kw)

    monkeypatch.setattr(relate, "select_testimonials", counting)  # the one place that ranks, for both sections
    html = render_report(ws.store, settings=ws.settings, sections=["testimonials", "narratives"])
    assert calls and len(calls) == len(set(calls))  # one ranking per persona, shared by the two sections
    # greedy MMR: the section's top 3 of the shared k=5 ranking are what a k=3 ranking picks
    shown = html.split('id="testimonials"')[1].split("</section>")[0]
    for audience in report_audiences(ws.store):
        top3 = select_testimonials(ws.store, audience, k=3, ranker=default_ranker(ws.store)).results
        assert all(f"#{r.source_id} (doc {r.doc_id}," in shown for r in top3)
