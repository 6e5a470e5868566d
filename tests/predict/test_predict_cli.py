"""empathic uplift / empathic propensity through the CLI with --json, stored results and the report sections."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.demo import DATA_DIR
from empathic.testing.uplift import planted_uplift
from empathic.types import ColumnMapping, DocumentKind
from empathic.workspace import Workspace


def _json(capsys, *args: str) -> dict:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    out = capsys.readouterr().out
    assert e.value.code == 0, out
    return json.loads(out)


@pytest.fixture
def experiment_csv(tmp_path: Path) -> Path:
    X, y, t, _ = planted_uplift(3000, seed=2)
    path = tmp_path / "mail.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["tenure", "basket", "region", "arm", "visit", "spend"])
        for x, yy, tt in zip(X, y, t, strict=True):
            region = "north" if x[2] > 0 else "south"
            spend = round(abs(x[2]) * 40, 2) if yy else 0
            w.writerow([round(x[0], 4), round(x[1], 4), region, "email" if tt else "none", int(yy), spend])
    return path


@pytest.fixture
def reviews_ws(tmp_path: Path) -> Path:
    """The demo reviews, emotion-scored with the light ``vader`` emotion model (real SQLite, real analyser)."""
    ws = Workspace.init(tmp_path / "ws")
    cfg = ws.path / "empathic.toml"
    cfg.write_text(cfg.read_text().replace('emotion_model = "minilm-finetuned"', 'emotion_model = "vader"'))
    mapping = ColumnMapping(text_col="text", id_col="review_id", rating_col="rating", attr_cols=("age_band",))
    with Workspace(ws.path) as w:
        w.ingest(DATA_DIR / "reviews.csv", mapping, DocumentKind.REVIEW, source="reviews")
        w.analyze(["emotion"])
    ws.close()
    return ws.path


def test_uplift_json_compares_methods_and_stores_for_the_report(capsys, experiment_csv, tmp_path) -> None:
    ws = Workspace.init(tmp_path / "store_here")
    ws.close()
    out = _json(capsys, "uplift", "--data", str(experiment_csv), "--treatment-col", "arm", "--control", "none",
                "--outcome", "visit", "--method", "two-model-logistic,class-transformation-logistic",
                "--bootstrap", "100", "-w", str(ws.path), "--json")  # fmt: skip
    assert out["excluded"] == ["spend"] and out["n_test"] == 1500
    assert [m["method"] for m in out["methods"]] == ["two-model-logistic", "class-transformation-logistic"]
    for m in out["methods"]:
        assert set(m["uplift_at"]) == {"10%", "20%", "30%"}
        assert m["qini"]["ci_low"] > 0 and m["uplift_at"]["30%"]["value"] > out["ate"]["value"]
    assert out["stored_as"] == "visit: any value but none vs none"
    with Workspace(ws.path) as w:
        assert list(w.store.results("uplift")) == [out["stored_as"]]
        html = w.report(tmp_path / "r.html", sections=["uplift"]).read_text(encoding="utf-8")
    assert 'id="uplift"' in html and html.count("<svg") == 2 and "two-model-logistic" in html


def test_uplift_errors_are_coded(capsys, experiment_csv) -> None:
    with pytest.raises(SystemExit) as e:
        main(["uplift", "--data", str(experiment_csv), "--treatment-col", "arm", "--control", "nobody",
              "--outcome", "visit", "--json"])  # fmt: skip
    assert e.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "EMP402"


def test_propensity_on_a_workspace_is_stored_and_reported(capsys, reviews_ws, tmp_path) -> None:
    out = _json(capsys, "propensity", "-w", str(reviews_ws), "--target", "rating >= 4", "--bootstrap", "200", "--json")
    assert out["target_rule"] == "rating >= 4" and out["status"] == "ok" and out["n"] == 361
    assert out["auc_ci"][0] < out["auc"] < out["auc_ci"][1]
    # 121 negatives cannot support 34 coefficients (10 per feature): the 6 Ekman groups are used instead
    assert out["features"][:6] == [f"ekman:{g}" for g in ("anger", "disgust", "fear", "joy", "sadness", "surprise")]
    assert len(out["effects"]) >= 6 and sum(b["n"] for b in out["calibration"]) == out["n"]
    assert "rating" not in out["features"], "the rating is never a feature"
    with Workspace(reviews_ws) as w:
        assert list(w.store.results("propensity")) == ["rating >= 4"]
        html = w.report(tmp_path / "p.html", sections=["propensity"]).read_text(encoding="utf-8")
    assert 'id="propensity"' in html and "reliability-diagram" in html and "forest-plot" in html
    assert "a rule set by the user" in html


def test_propensity_without_a_usable_target_says_how_to_fix(capsys, reviews_ws) -> None:
    with pytest.raises(SystemExit) as e:
        main(["propensity", "-w", str(reviews_ws), "--target", "Recommended IND", "--json"])
    assert e.value.code == 2
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "EMP600" and "rating >= 4" in err["hint"]
