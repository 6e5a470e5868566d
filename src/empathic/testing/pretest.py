"""Conformance suite for pre-test models (registry kind ``pretest_model``): :func:`check_pretest_model`.

A pre-test model scores ad or headline variants before they run: ``score(texts)`` gives one utility per
text (log-odds of out-clicking an average headline) and ``rank(texts)`` orders them with explanations.

>>> from empathic.predict.pretest.lexicon import LexiconPretest
>>> from empathic.testing import run_checks
>>> "order_invariant" in run_checks(check_pretest_model(LexiconPretest))
True
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from empathic.testing.suite import NamedChecks, named

VARIANTS = (
    "This Mom Tried One Trick And Her Kids Ate Their Vegetables For A Week",
    "Study finds vegetable intake in children rises with repeated exposure",
    "You Won't Believe What Happened When This Town Banned Cars",
    "Why 3 cities banned cars downtown — and what happened to shops",
    "Ok.",
    "¿Por qué nadie habla de esto? 😱 Les enfants adorent 🥦",
)
HOSTILE = ("", "   ", "word " * 3000, "😍" * 50, "<script>alert(1)</script>", "\u202edesrever\u202c")


def check_pretest_model(model: Any) -> NamedChecks:
    """Named checks every pre-test model must pass.

    ``model`` is a model (``score`` and ``rank`` methods) or a zero-argument factory of one, built when a check
    first runs. Scores must be finite, one per text, independent of input order and of the batch, deterministic,
    equal for identical texts and defined for empty, very long and non-English text; ``rank`` must list every
    text once, best first, with probabilities in [0, 1] and the top variant's ``p_beats_best`` at 0.5.
    """

    @functools.cache
    def get() -> Any:
        obj = model if callable(getattr(model, "score", None)) and not isinstance(model, type) else model()
        for method in ("score", "rank"):
            assert callable(getattr(obj, method, None)), f"{type(obj).__name__} has no {method}(texts) method"
        assert isinstance(getattr(obj, "name", None), str) and obj.name, "a pre-test model needs a non-empty name"
        return obj

    def scores(texts: tuple[str, ...] | list[str]) -> np.ndarray:
        out = np.asarray(get().score(list(texts)), dtype=np.float64)
        assert out.shape == (len(texts),), f"score() gave shape {out.shape} for {len(texts)} texts"
        return out

    base = functools.cache(lambda: scores(VARIANTS))

    def finite_one_per_text() -> None:
        assert np.isfinite(base()).all(), f"non-finite scores: {base()}"
        assert np.ptp(base()) > 0, "every variant got the same score: the model does not tell them apart"

    def order_invariant() -> None:
        perm = np.random.default_rng(0).permutation(len(VARIANTS))
        shuffled = scores([VARIANTS[i] for i in perm])
        assert np.allclose(shuffled, base()[perm], atol=1e-6), "a text's score depends on the input order"

    def batch_independent() -> None:
        alone = np.array([scores([t])[0] for t in VARIANTS[:3]])
        assert np.allclose(alone, base()[:3], atol=1e-5), "a text's score depends on the other texts in the batch"

    def deterministic() -> None:
        assert np.array_equal(scores(VARIANTS), base()), "the same texts scored twice gave different scores"

    def identical_texts_equal() -> None:
        twice = scores([VARIANTS[0], VARIANTS[1], VARIANTS[0]])
        assert np.isclose(twice[0], twice[2], atol=1e-9), f"identical texts scored {twice[0]} and {twice[2]}"

    def hostile_text() -> None:
        out = scores(HOSTILE)
        assert np.isfinite(out).all(), f"empty, long, emoji or control-character text gave {out}"

    def empty_batch() -> None:
        assert np.asarray(get().score([])).shape == (0,), "an empty batch gives no scores"

    def rank_orders_every_text() -> None:
        ranked = get().rank(list(VARIANTS))
        assert sorted(r.text for r in ranked) == sorted(VARIANTS), "rank() must list every text once"
        assert [r.rank for r in ranked] == list(range(1, len(VARIANTS) + 1)), "ranks are 1..n, best first"
        got = [r.score for r in ranked]
        assert got == sorted(got, reverse=True), f"rank() is not ordered by score: {got}"
        by_text = dict(zip(VARIANTS, base(), strict=True))
        assert all(np.isclose(r.score, by_text[r.text], atol=1e-6) for r in ranked), "rank() and score() disagree"
        for r in ranked:
            assert 0.0 <= r.p_beats_average <= 1.0 and 0.0 <= r.p_beats_best <= 1.0, r
        assert np.isclose(ranked[0].p_beats_best, 0.5), f"the top variant's p_beats_best is {ranked[0].p_beats_best}"

    yield from named(
        finite_one_per_text,
        order_invariant,
        batch_independent,
        deterministic,
        identical_texts_equal,
        hostile_text,
        empty_batch,
        rank_orders_every_text,
    )


__all__ = ["HOSTILE", "VARIANTS", "check_pretest_model"]
