"""Pre-test: pair protocol, shipped models (sha256-checked), drivers, evaluate on real data, CLI --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from empathic import registry
from empathic.cli.main import main
from empathic.errors import AnalysisError, ColumnError, ModelIntegrityError
from empathic.predict.pretest import evaluate, rank
from empathic.predict.pretest.base import ASSETS, PretestModel
from empathic.predict.pretest.lexicon import LexiconPretest
from empathic.predict.pretest.minilm import MinilmPretest
from empathic.predict.pretest.pairs import Packages, build_pairs, read_packages, significant
from empathic.predict.pretest.pairwise import PairwisePretest

HEADLINES = [
    "This Mom's Heartbreaking Letter Will Make You Rethink Everything",
    "A Letter From A Mother",
    "7 Facts About Climate Change You Need To Know",
]


def run(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return int(exit_info.value.code or 0), capsys.readouterr().out


def synthetic() -> Packages:
    # test t1: image i has three headlines (A, B, A-again), image j one; test t2: two arms, identical headline
    return Packages.from_columns(
        test_id=["t1", "t1", "t1", "t1", "t2", "t2", "t3", "t3"],
        image_id=["i", "i", "i", "j", "k", "k", "m", "m"],
        headline=["A", "B", "A", "C", "D", "D", "E", "F"],
        impressions=[5000, 5000, 5000, 5000, 3000, 3000, 4000, 0],
        clicks=[400, 250, 390, 300, 100, 150, 200, 0],
        test_week=[201320, 201320, 201320, 201320, 201330, 201330, 201401, 201401],
    )


def test_pairs_follow_the_protocol() -> None:
    p = build_pairs(synthetic())
    # same test + same image + different headline only: (0,1) and (1,2); (0,2) share the headline; t2 likewise;
    # the arm with no impressions is left out
    assert sorted(zip(p.a.tolist(), p.b.tolist(), strict=True)) == [(0, 1), (1, 2)]
    assert p.z[0] > 1.96 and p.z[1] < -1.96  # A (8%) beat B (5%); B lost to A-again
    assert significant(p).tests == 1
    assert len(build_pairs(synthetic(), exclude_flagged=True)) == 2  # t1 is before the flagged weeks


def test_reads_csv_csv_gz_and_parquet(tmp_path: Path) -> None:
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    csv = 'clickability_test_id,eyecatcher_id,headline,impressions,clicks\nt,i,"Hi, you",100,5\nt,i,Bye,100,9\n'
    (tmp_path / "a.csv").write_text(csv)
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(csv.encode()))
    table = pa.table(
        {
            "clickability_test_id": ["t", "t"],
            "eyecatcher_id": ["i", "i"],
            "headline": ["Hi, you", "Bye"],
            "impressions": [100, 100],
            "clicks": [5, 9],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    for name in ("a.csv", "a.csv.gz", "a.parquet"):
        pk = read_packages(tmp_path / name)
        assert pk.headline == ["Hi, you", "Bye"] and pk.clicks.tolist() == [5, 9]
    (tmp_path / "bad.csv").write_text("headline,clicks\nx,1\n")
    with pytest.raises(ColumnError, match="clickability_test_id"):
        read_packages(tmp_path / "bad.csv")


def test_registered_models_satisfy_the_protocol() -> None:
    assert set(registry.names("pretest_model")) >= {"minilm-pairwise", "minilm-ngram", "lexicon-ngram"}
    for name in ("minilm-pairwise", "minilm-ngram", "lexicon-ngram"):
        m = registry.get("pretest_model", name)()
        assert isinstance(m, PretestModel)
        s = m.score(HEADLINES)
        assert s.shape == (3,) and np.isfinite(s).all()
        cv = m.manifest["cv"]  # recorded by the training run (the blend's CV: bench/pretest_finetune.py)
        assert cv.get("blend_half", cv).get("pairwise_accuracy") > 0.6


def test_sha256_mismatch_raises_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model"
    shutil.copytree(ASSETS / LexiconPretest.asset, bad)
    with (bad / "vocabulary.json").open("a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(ModelIntegrityError, match=r"vocabulary.json has sha256 .* expected") as info:
        LexiconPretest(bad)
    assert info.value.code == "EMP601"


def test_rank_gives_scores_and_drivers() -> None:
    ranked = rank(HEADLINES, model=MinilmPretest())
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    assert ranked[0].p_beats_best == pytest.approx(0.5)
    for r in ranked:
        feats = {d.feature for d in r.drivers}
        assert feats and all(np.isfinite(d.contribution) for d in r.drivers)
        assert {"negative_words", "positive_words", "words", "has_number", "questions", "second_person"} <= set(
            r.features
        )
    # the drivers add up to the score (linear model, centred on the average training headline)
    full = MinilmPretest().rank(HEADLINES[:1], top_drivers=1000)[0]
    assert sum(d.contribution for d in full.drivers) == pytest.approx(full.score, abs=1e-6)
    assert any(d.feature.startswith("emotion:") for d in full.drivers)


def test_pairwise_model_blends_the_linear_one_and_explains_itself() -> None:
    m = PairwisePretest()
    cv = m.manifest["cv"]  # recorded by bench/pretest_finetune.py: the blend beat the linear model in grouped CV
    assert cv["blend_half"]["minus_linear"]["ci95"][0] > 0 and m.manifest["blend"]["weight_scorer"] == 0.5
    full = m.rank(HEADLINES, top_drivers=1000)
    for r in full:  # the scaled linear parts plus the fine-tuned part add up to the score
        assert sum(d.contribution for d in r.drivers) == pytest.approx(r.score, abs=1e-6)
        assert "appeal" in {d.feature for d in r.drivers}
    linear, appeal = MinilmPretest().score(HEADLINES), m.appeal(HEADLINES)
    b = m.manifest["blend"]
    expected = b["c_linear"] * linear + b["c_scorer"] * (appeal - b["scorer_offset"])
    np.testing.assert_allclose(m.score(HEADLINES), expected, atol=1e-6)
    # static int8: a text's score does not depend on the batch it is scored in
    alone = np.array([m.appeal([h])[0] for h in HEADLINES])
    np.testing.assert_allclose(alone, appeal, atol=1e-5)
    assert registry.get("pretest_model", "minilm-pairwise") is PairwisePretest and rank(HEADLINES)[0].drivers


def test_pairwise_model_checks_its_files_and_its_linear_part(tmp_path: Path) -> None:
    bad = tmp_path / "v2"
    shutil.copytree(ASSETS / PairwisePretest.asset, bad)
    with (bad / "tokenizer.json").open("a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(ModelIntegrityError, match=r"tokenizer\.json"):
        PairwisePretest(bad)
    shutil.copy(ASSETS / PairwisePretest.asset / "tokenizer.json", bad / "tokenizer.json")
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    manifest["linear"]["sha256"]["weights.npz"] = "0" * 64
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(AnalysisError, match="blended with another version"):
        PairwisePretest(bad)


@pytest.mark.shared_data
def test_evaluate_on_a_slice_of_the_real_data(shared_data: Path, tmp_path: Path) -> None:
    import pyarrow.csv as pc

    src = shared_data / "upworthy" / "upworthy_packages_dev.csv.gz"
    table = pc.read_csv(src, parse_options=pc.ParseOptions(newlines_in_values=True)).slice(0, 1500)
    pc.write_csv(table, tmp_path / "slice.csv")
    res = evaluate(tmp_path / "slice.csv", model="lexicon-ngram")
    pairs = significant(build_pairs(read_packages(tmp_path / "slice.csv")))
    assert res.pairs == len(pairs) > 50 and res.tests == pairs.tests
    assert 0.5 < res.pairwise_accuracy <= 1.0 and res.ci_low <= res.pairwise_accuracy <= res.ci_high


def test_cli_rank_and_evaluate_json(capsys, tmp_path: Path) -> None:
    code, out = run(capsys, "pretest", HEADLINES[0], HEADLINES[1], "--model", "lexicon-ngram", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert [v["rank"] for v in doc["variants"]] == [1, 2] and doc["variants"][0]["drivers"]
    rows = ["clickability_test_id,eyecatcher_id,headline,impressions,clicks"]
    rows += [f"t{i},img,{h},4000,{c}" for i in range(3) for h, c in ((HEADLINES[0], 300), (HEADLINES[1], 180))]
    (tmp_path / "p.csv").write_text("\n".join(rows) + "\n")
    code, out = run(
        capsys, "pretest", "evaluate", "--data", str(tmp_path / "p.csv"), "--model", "lexicon-ngram", "--json"
    )
    assert code == 0, out
    doc = json.loads(out)
    assert doc["pairs"] == 3 and doc["tests"] == 3 and doc["pairwise_accuracy"] in (0.0, 1.0)


@pytest.mark.shared_data
def test_train_write_load_round_trip(shared_data: Path, tmp_path: Path) -> None:
    import pyarrow.csv as pc

    from empathic.train.pretest_linear import train_pretest

    src = shared_data / "upworthy" / "upworthy_packages_dev.csv.gz"
    table = pc.read_csv(src, parse_options=pc.ParseOptions(newlines_in_values=True)).slice(0, 2500)
    pc.write_csv(table, tmp_path / "slice.csv")
    info = train_pretest(tmp_path / "slice.csv", tmp_path / "model", light=True, folds=3)
    assert info["cv"]["pairs"] == info["data"]["significant_pairs"] and len(info["cv"]["per_fold"]) == 3
    card = (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert str(info["cv"]["pairwise_accuracy"]) in card and "Seed 13" in card
    model = LexiconPretest(tmp_path / "model")
    ranked = model.rank(HEADLINES)
    drivers = model.rank(HEADLINES[:1], top_drivers=1000)[0]
    assert sum(d.contribution for d in drivers.drivers) == pytest.approx(drivers.score, abs=1e-6)
    assert len(ranked) == 3 and evaluate(tmp_path / "slice.csv", model=model).pairwise_accuracy > 0.6  # in-sample


def test_evaluate_without_significant_pairs_gives_null_not_nan(capsys, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(
        "clickability_test_id,eyecatcher_id,headline,impressions,clicks\nt,i,A,100,5\nt,i,B,100,6\n"
    )
    code, out = run(capsys, "pretest", "evaluate", "--data", str(tmp_path / "p.csv"), "-m", "lexicon-ngram", "--json")
    doc = json.loads(out)  # valid JSON: no NaN literal
    assert code == 0 and doc["pairs"] == 0 and doc["tests"] == 0 and doc["pairwise_accuracy"] is None
