from __future__ import annotations

import functools

import pytest

from empathic import registry
from empathic.analyse import get_analyser
from empathic.testing import parametrize_with_checks
from empathic.types import ColumnMapping


@parametrize_with_checks(
    "analyser", {name: functools.partial(get_analyser, name) for name in registry.names("analyser")}
)
def test_every_registered_analyser_passes_each_check(obj, check) -> None:
    check()


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("I absolutely love this jacket, best purchase ever!", 1),
        ("The zip broke after two days. Awful.", -1),
        ("The parcel arrived on Tuesday.", 0),
    ],
)
def test_vader_golden_sentences(text: str, sign: int) -> None:
    c = get_analyser("vader").analyse([text])[0]["compound"]
    assert (c >= 0.05) if sign > 0 else (c <= -0.05) if sign < 0 else (-0.05 < c < 0.05), c


def test_text_stats_counts() -> None:
    s = get_analyser("length").analyse(["Do you like it? I do! 😍 Size 10."])[0]
    assert (s["questions"], s["exclamations"], s["emoji"], s["second_person"], s["digits"]) == (1, 1, 1, 1, 2)


def test_analyze_is_incremental(workspace, tmp_path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("id,text\n1,Love it\n2,Hate it\n")
    m = ColumnMapping(text_col="text", id_col="id")
    workspace.ingest(p, m, "review")
    first = workspace.analyze()
    assert dict(first.analysed) == {"vader": 2, "emotion": 2, "embedding": 2}
    assert dict(workspace.analyze().analysed) == {"vader": 0, "emotion": 0, "embedding": 0}
    p.write_text("id,text\n1,Love it\n2,Hate it\n3,It is fine\n")
    workspace.ingest(p, m, "review")
    third = workspace.analyze()
    assert dict(third.analysed) == {"vader": 1, "emotion": 1, "embedding": 1}
    assert dict(third.already_done) == {"vader": 2, "emotion": 2, "embedding": 2}
    st = workspace.status()
    assert st.analysed["vader"] == 3 and st.unanalysed["vader"] == 0 and st.unanalysed["emotion"] == 0
    ids, vectors = workspace.store.embeddings("minilm-goemotions-v1")
    assert len(ids) == 3 and vectors.shape == (3, 384), "the emotion model's embeddings are stored once"


def test_status_lists_configured_analysers_before_first_run(workspace) -> None:
    assert dict(workspace.status().analysed) == {"vader": 0, "emotion": 0, "embedding": 0}


def test_emotion_model_setting_reaches_the_analyser(tmp_path, monkeypatch) -> None:
    from empathic.workspace import Workspace

    monkeypatch.setenv("EMPATHIC_ANALYSE_EMOTION_MODEL", "vader")
    ws = Workspace.init(tmp_path / "v")
    p = tmp_path / "a.csv"
    p.write_text("id,text\n1,Love it\n")
    ws.ingest(p, ColumnMapping(text_col="text", id_col="id"), "review")
    ws.analyze()
    assert ws.store.embeddings("minilm-goemotions-v1")[0] == [], "the vader backend has no encoder"
    scores = ws.store.score_matrix("emotion", ["sentiment:positive"], [1])
    assert scores[0, 0] > 0.5
    ws.close()
