"""Every registry kind has a named-check suite, run over every built-in backend; each suite catches a broken one.

(The store, analyser, emotion-model, ranker, llm and uplift suites also run in their packages' tests.)
"""

from __future__ import annotations

import html

import numpy as np
import pytest

from empathic import registry
from empathic.experiment.bandits import ThompsonSampling, UniformRandom
from empathic.predict.pretest.lexicon import LexiconPretest
from empathic.predict.uplift.logistic import two_model_logistic
from empathic.report.page import ReportContext, Section
from empathic.report.sections import quotes
from empathic.testing import (
    check_bandit_policy,
    check_pretest_model,
    check_report_section,
    check_uplift_model,
    parametrize_with_checks,
    registered,
    run_checks,
    suite_for,
)
from empathic.testing.report import SCRIPT, hostile_store


def _slow_unless(kind: str, light: set[str]) -> dict[str, object]:
    """The registered backends of ``kind``, those outside ``light`` marked slow (they load ONNX models)."""
    out = {}
    for name, p in registered(kind).items():
        out[name] = p if name in light else pytest.param(*p.values, id=p.id, marks=[*p.marks, pytest.mark.slow])
    return out


@pytest.mark.parametrize("kind", registry.KINDS)
def test_every_kind_has_a_suite_of_named_checks(kind: str) -> None:
    suite = suite_for(kind)
    assert suite.__name__ == f"check_{kind}"
    names = [name for name, check in suite(lambda *a, **k: None) if callable(check)]  # listing builds nothing
    assert len(names) >= 4 and len(set(names)) == len(names), names


@parametrize_with_checks("bandit_policy", registered("bandit_policy"))
def test_bandit_policies(obj, check) -> None:
    if obj is UniformRandom and check.__name__ == "learns_best_arm":
        with pytest.raises(AssertionError, match="best arm"):  # the baseline does not learn: the check sees it
            check()
        return
    check()


@parametrize_with_checks("pretest_model", _slow_unless("pretest_model", {"lexicon-ngram"}))
def test_pretest_models(obj, check) -> None:
    check()


@parametrize_with_checks("report_section", registered("report_section"))
def test_report_sections(obj, check) -> None:
    check()


@parametrize_with_checks("uplift_model", registered("uplift_model"))
def test_uplift_models(obj, check) -> None:
    check()


def _failed(checks) -> set[str]:
    with pytest.raises(AssertionError) as exc:
        run_checks(checks)
    return {line.strip().split(":")[0] for line in str(exc.value).splitlines()[1:]}


def test_report_suite_catches_unescaped_text_and_external_urls() -> None:
    def leaky(ctx: ReportContext) -> Section:
        texts = " ".join(d.text for d in ctx.store.iter_documents())  # customer text, not escaped
        return Section("leaky", "Leaky", f'<p>{texts}</p><img src="https://cdn.example.com/x.png">')

    def escaped(ctx: ReportContext) -> Section:
        return Section("fine", "Fine", "<p>" + html.escape(" ".join(d.text for d in ctx.store.iter_documents())))

    assert _failed(check_report_section(leaky)) == {"escapes_customer_text", "no_external_urls"}
    assert run_checks(check_report_section(escaped))
    section = quotes(ReportContext(hostile_store()))
    assert section is not None and html.escape(SCRIPT) in section.html, "the fixture's markup reaches real sections"


def test_bandit_suite_catches_unknown_arms_and_unseeded_randomness() -> None:
    class Rogue(ThompsonSampling):
        def choose(self, segment: str = "") -> str:
            return "not-an-arm" if self._rng.random() < 0.05 else super().choose(segment)

    class Unseeded(ThompsonSampling):
        def __init__(self, arms, kind="bernoulli", seed=0):
            super().__init__(arms, kind, seed=None)

    assert {"known_arms_only", "probabilities_sum_to_one"} <= _failed(check_bandit_policy(Rogue))
    assert _failed(check_bandit_policy(Unseeded)) == {"reproducible_with_seed"}


def test_pretest_suite_catches_order_dependent_and_non_finite_scores() -> None:
    class OrderDependent(LexiconPretest):
        def score(self, texts):
            return super().score(texts) + np.arange(len(texts)) * 0.01

    class Fragile(LexiconPretest):
        def score(self, texts):
            out = super().score(texts)
            return np.where([len(t) > 1000 for t in texts], np.nan, out)

    assert "order_invariant" in _failed(check_pretest_model(OrderDependent))
    assert "hostile_text" in _failed(check_pretest_model(Fragile))


def test_uplift_suite_catches_a_model_that_ignores_the_treatment() -> None:
    class Response:
        """Predicts the outcome, not the uplift: chases the 'sure thing' signal x1."""

        def __init__(self, seed: int = 0) -> None:
            self.seed = seed

        def fit(self, X, y, treatment):
            self.coef_ = np.array([0.0, 1.0, 0.0])
            return self

        def predict(self, X):
            return X @ self.coef_

    assert run_checks(check_uplift_model(two_model_logistic))
    assert {"finds_persuadables", "beats_random_qini"} <= _failed(check_uplift_model(Response))


def test_parametrize_with_checks_names_each_test_after_backend_and_check() -> None:
    mark = parametrize_with_checks("bandit_policy", {"ts": ThompsonSampling})
    argnames, params = mark.args
    assert argnames == "obj, check" and params[0].id == "ts-known_arms_only"
    assert [p.values[0] for p in params] == [ThompsonSampling] * len(params)
    assert len({p.id for p in params}) == len(params) == 7


def test_a_backend_whose_extra_is_missing_is_skipped_with_the_install_line(monkeypatch) -> None:
    entry = registry.Entry("uplift_model", "ghost", "empathic_no_such_module:Model", extra="ghost")
    registry.names("uplift_model")  # load the built-ins first, then add the ghost beside them
    monkeypatch.setitem(registry._entries["uplift_model"], "ghost", entry)
    ghost = registered("uplift_model")["ghost"]
    (skip,) = ghost.marks
    assert skip.name == "skip" and "pip install 'empathic[ghost]'" in skip.kwargs["reason"], skip
    mark = parametrize_with_checks("uplift_model", {"ghost": ghost})
    assert all(p.marks == (skip,) for p in mark.args[1]), "every check of a missing backend is skipped"


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory: pytest.TempPathFactory):
    """The demo reviews and testimonials, analysed, with markup in every review text and testimonial author."""
    import csv

    from empathic.demo import DATA_DIR, DEMO_FILES
    from empathic.workspace import Workspace

    folder = tmp_path_factory.mktemp("hostile")
    ws = Workspace.init(folder / "ws")
    for demo in (f for f in DEMO_FILES if f.name in ("reviews.csv", "testimonials.csv")):
        with open(DATA_DIR / demo.name, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        field = "text" if demo.name == "reviews.csv" else "author"
        for row in rows:
            row[field] = f"{row[field]} {SCRIPT}"
        path = folder / demo.name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        ws.ingest(path, demo.mapping, demo.kind, source=demo.source)
    ws.analyze()
    ws.personas()
    ws.close()
    return folder / "ws"


# Found by this test: every review carries the same markup, so two themes get the same label; the drivers
# section then builds two identical "theme:<label>" features and its regression raises (X'X singular), which
# fails the whole report. Left to the owners of analyse/drivers.py and report/voc.py (labels must be unique).
_KNOWN: dict[str, str] = {}  # sections expected to fail here, with the reason (none today)


@pytest.mark.slow
@pytest.mark.parametrize(
    "section",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, raises=ValueError, reason=_KNOWN[n])) if n in _KNOWN else n
        for n in registry.names("report_section")
    ],
)
def test_report_sections_over_an_analysed_hostile_workspace(hostile_workspace, section: str) -> None:
    from empathic.workspace import Workspace

    def store():
        return Workspace(hostile_workspace).store

    assert run_checks(check_report_section(registry.get("report_section", section), store=store))


def test_an_unknown_kind_has_no_suite() -> None:
    from empathic.errors import RegistryError

    with pytest.raises(RegistryError, match="No conformance suite for kind 'nope'") as exc:
        suite_for("nope")
    assert "bandit_policy" in (exc.value.hint or "")
