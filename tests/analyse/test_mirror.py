"""Mirror statistics: a calibrated null and a recovered planted echo."""

from __future__ import annotations

import numpy as np
import pytest

from empathic.analyse.mirror import mirror_stats


def _threads(rng: np.random.Generator, items: int = 60, per_item: int = 4, echo: float = 0.0):
    content = rng.dirichlet(np.full(28, 0.3), items)
    owner = np.repeat(np.arange(items), per_item)
    noise = rng.dirichlet(np.full(28, 0.3), items * per_item)
    responses = echo * content[owner] + (1 - echo) * noise
    return content, responses, owner


@pytest.mark.slow
def test_null_is_calibrated_when_responses_are_shuffled() -> None:
    """Responses reassigned at random: the 95% CI should exclude 0 in about 5% of repetitions."""
    rng = np.random.default_rng(2026)
    reps, excluded, small_p = 200, 0, 0
    for _ in range(reps):
        content, responses, owner = _threads(rng, echo=0.6)
        shuffled = owner[rng.permutation(len(owner))]  # break every real pairing
        res = mirror_stats(content, responses, shuffled, n_perm=99, n_boot=300, seed=int(rng.integers(1 << 30)))
        excluded += not (res.ci_low <= 0 <= res.ci_high)
        small_p += res.p_value <= 0.05
    assert 0.01 <= excluded / reps <= 0.10, excluded / reps
    assert small_p / reps <= 0.10, small_p / reps


def test_planted_echo_is_recovered() -> None:
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(20):
        content, responses, owner = _threads(rng, echo=0.3)
        res = mirror_stats(
            content,
            responses,
            owner,
            n_perm=199,
            n_boot=300,
            seed=int(rng.integers(1 << 30)),
            content_probs=content,
            response_probs=responses,
        )
        found += res.ci_low > 0 and res.p_value < 0.05
        assert res.mirror_similarity > res.null_similarity
    assert found >= 18, found


def test_strata_and_transfer_shapes() -> None:
    rng = np.random.default_rng(3)
    content, responses, owner = _threads(rng, items=30, echo=0.5)
    strata = ["ig" if i % 2 else "fb" for i in range(30)]
    res = mirror_stats(
        content, responses, owner, strata, n_perm=50, n_boot=50, content_probs=content, response_probs=responses
    )
    assert res.items == 30 and res.responses == 120 and res.status == "ok"
    for row in res.transfer.values():
        assert abs(sum(cell["share"] for cell in row.values()) - 1) < 1e-9
        assert all(cell["ci_low"] <= cell["share"] <= cell["ci_high"] for cell in row.values())
    assert set(res.by_emotion) <= set(res.transfer)


def test_no_pairs_is_a_status_not_an_error() -> None:
    res = mirror_stats(np.zeros((0, 28)), np.zeros((0, 28)), [])
    assert res.status == "no_pairs" and res.to_dict()["lift"] is None


def test_mirror_job_on_the_demo_workspace(tmp_path) -> None:
    from empathic.demo import run_demo
    from empathic.workspace import Workspace

    result = run_demo(tmp_path / "demo")
    with Workspace(result.workspace) as ws:
        res = ws.mirror(n_perm=200, n_boot=200)
        assert res.status == "ok" and res.items == 20 and res.responses == 170
        assert res.ci_low <= res.lift <= res.ci_high and 0 < res.p_value <= 1
        assert set(res.transfer) <= {"anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"}
        by = ws.mirror(by="campaign", n_perm=50, n_boot=50)
        assert by.by["dimension"] == "campaign" and all(g["items"] >= 5 for g in by.by["groups"].values())


def test_mirror_needs_emotion_scores(tmp_path) -> None:
    from empathic.errors import AnalysisError
    from empathic.types import ColumnMapping
    from empathic.workspace import Workspace

    ws = Workspace.init(tmp_path / "w")
    p = tmp_path / "t.csv"
    p.write_text("id,parent,text\n1,,We launched!\n2,1,Love it\n")
    ws.ingest(p, ColumnMapping(text_col="text", id_col="id", parent_col="parent"), "comment")
    with pytest.raises(AnalysisError, match="empathic analyze"):
        ws.mirror()
    with pytest.raises(AnalysisError, match="author, campaign, segment"):
        ws.mirror(by="planet")
    ws.close()


def test_mirror_dataframe_with_texts() -> None:
    from empathic.analyse.mirror import mirror_dataframe

    table = {
        "post": ["p1", "p1", "p2", "p2", "p3", "p3"],
        "content": ["We are thrilled to launch!"] * 2 + ["We are so sorry for the delay."] * 2 + ["New colours"] * 2,
        "reply": [
            "So exciting, love it!",
            "Yay, congrats!",
            "Really disappointing.",
            "Sorry to hear, sad.",
            "Nice",
            "Cool colours",
        ],
    }
    res = mirror_dataframe(table, "post", "content", "reply", n_perm=50, n_boot=50)
    assert res.items == 3 and res.responses == 6 and res.mirror_similarity > res.null_similarity
