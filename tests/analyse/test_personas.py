"""Personas from author attributes: segmentation, age bands, merging, folding, profiles."""

from __future__ import annotations

import pytest

from empathic.analyse.personas import age_band, build_personas, distinctive, emotion_profile, persona_key

DIMS = ("age_band", "Department Name")


def _records(spec: list[tuple[str, str, int]], start: int = 0) -> list[tuple[int, dict[str, str]]]:
    """(age, department, count) → records with consecutive doc ids."""
    out = []
    for age, dept, count in spec:
        for _ in range(count):
            out.append((start + len(out), {"Age": age, "Department Name": dept}))
    return out


def _sizes(personas) -> dict[str, int]:
    return {p.name: p.size for p in personas}


def test_segments_by_the_combination_of_dimensions() -> None:
    recs = _records([("30", "Dresses", 5), ("31", "Tops", 4), ("50", "Dresses", 3)])
    personas = build_personas(recs, dimensions=DIMS, min_size=1)
    assert _sizes(personas) == {"25-34 · Dresses": 5, "25-34 · Tops": 4, "45-54 · Dresses": 3}
    first = personas[0]
    assert dict(first.attributes) == {"age_band": "25-34", "Department Name": "Dresses"}
    assert first.doc_ids == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("age", "band"),
    [("18", "18-24"), ("24", "18-24"), ("25", "25-34"), ("34.5", "25-34"), ("44", "35-44"), ("54", "45-54"),
     ("64", "55-64"), ("65", "65+"), ("99", "65+"), ("16", "under 18"), ("", "unknown"), ("abc", "unknown")],
)  # fmt: skip
def test_age_is_binned_into_bands(age: str, band: str) -> None:
    assert age_band(age) == band
    assert persona_key({"Age": age}, ["Age"]) == band  # an "Age" dimension is binned too


def test_persona_key_names_are_deterministic() -> None:
    attrs = {"Department Name": " Dresses ", "Age": "29"}
    assert persona_key(attrs, DIMS) == "25-34 · Dresses" == persona_key(dict(reversed(attrs.items())), DIMS)
    assert persona_key({"Age": "29"}, DIMS) == "25-34 · unknown"
    assert persona_key({"age_band": "35-44", "Department Name": "Tops"}, DIMS) == "35-44 · Tops"  # already banded
    recs = _records([("30", "Dresses", 3), ("40", "Tops", 3)])
    assert [p.name for p in build_personas(recs, dimensions=DIMS, min_size=1)] == [
        p.name for p in build_personas(list(reversed(recs)), dimensions=DIMS, min_size=1)
    ]


def test_small_segments_merge_into_coarser_ones_then_other() -> None:
    recs = _records(
        [("30", "Dresses", 6), ("30", "Tops", 2), ("31", "Jackets", 2), ("40", "Dresses", 6), ("40", "Tops", 1),
         ("70", "Dresses", 1), ("70", "Tops", 1)]
    )  # fmt: skip
    personas = build_personas(recs, dimensions=DIMS, min_size=4)
    assert _sizes(personas) == {"25-34 · Dresses": 6, "35-44 · Dresses": 6, "25-34 · other": 4, "other": 3}
    pooled = next(p for p in personas if p.name == "25-34 · other")
    assert dict(pooled.attributes) == {"age_band": "25-34"}
    other = personas[-1]
    assert other.name == "other" and dict(other.attributes) == {}
    assert sum(p.size for p in personas) == len(recs)
    assert sorted(d for p in personas for d in p.doc_ids) == [d for d, _ in recs]


def test_max_personas_folds_the_rest_into_other() -> None:
    recs = _records([("30", "Dresses", 9), ("30", "Tops", 7), ("40", "Dresses", 5), ("40", "Tops", 3), ("50", "X", 1)])
    personas = build_personas(recs, dimensions=DIMS, min_size=3, max_personas=2)
    assert [(p.name, p.size) for p in personas] == [("25-34 · Dresses", 9), ("25-34 · Tops", 7), ("other", 9)]
    assert sum(p.size for p in personas) == len(recs)
    assert personas[-1].doc_ids == tuple(range(16, 25))  # other keeps record order


def test_everyone_lands_in_other_when_all_segments_are_small() -> None:
    recs = _records([("30", "Dresses", 2), ("40", "Tops", 2)])
    assert _sizes(build_personas(recs, dimensions=DIMS)) == {"other": 4}
    assert build_personas([], dimensions=DIMS) == []


def test_profiles_needs_themes_and_quotes() -> None:
    recs = _records([("30", "Dresses", 4)])
    emotion = {0: {"joy": 0.8, "anger": 0.1}, 1: {"joy": 0.4, "anger": 0.3}, 2: {"joy": 0.6, "anger": 0.2}}
    needs = {0: ["sizing", "pockets", "sizing"], 1: ["sizing"], 2: ["pockets", "colour"], 3: ["colour", "sizing"]}
    themes = {0: "fit", 1: "fit", 2: "fabric", 3: "fit"}
    centrality = {0: 0.1, 1: 0.9, 3: 0.5}
    (p,) = build_personas(
        recs, dimensions=DIMS, min_size=1, emotion=emotion, needs=needs, themes=themes, centrality=centrality
    )
    assert p.emotion_profile == pytest.approx({"anger": 0.2, "joy": 0.6})
    assert list(p.emotion_profile) == ["anger", "joy"]  # Ekman order
    assert p.top_needs == ("sizing", "colour", "pockets")  # counted once per document, ties alphabetical
    assert p.top_themes == ("fit", "fabric")
    assert p.quote_ids == (1, 3, 0)
    (plain,) = build_personas(recs, dimensions=DIMS, min_size=1)
    assert plain.quote_ids == (0, 1, 2) and plain.emotion_profile == {} and plain.top_needs == ()


def test_emotion_profile_is_the_mean_mix() -> None:
    profile = emotion_profile([1, 2, 9], {1: {"joy": 1.0, "sadness": 0.5}, 2: {"joy": 0.0}})
    assert profile == pytest.approx({"joy": 0.5, "sadness": 0.25})


def test_distinctive_emotions_exceed_the_overall_mean() -> None:
    profiles = {
        "a": {"joy": 0.9, "anger": 0.1, "sadness": 0.2, "neutral": 0.9},
        "b": {"joy": 0.3, "anger": 0.5, "sadness": 0.3, "neutral": 0.1},
        "c": {"joy": 0.6, "anger": 0.3, "sadness": 0.4, "neutral": 0.1},
    }
    assert distinctive(profiles) == {"a": ("joy",), "b": ("anger",), "c": ("sadness",)}
    assert distinctive(profiles, top_n=3, exclude=())["a"] == ("neutral", "joy")
    # weighted by size, "a" dominates the overall mean, so "b" now also stands out for sadness
    assert distinctive(profiles, top_n=3)["b"] == ("anger",)
    assert distinctive(profiles, top_n=3, sizes={"a": 100, "b": 1, "c": 1})["b"] == ("anger", "sadness")


@pytest.mark.parametrize("param", ["min_size", "max_personas", "top_n"])
def test_invalid_parameters_are_reported(param: str) -> None:
    with pytest.raises(ValueError, match=f"The '{param}' parameter of build_personas must be an int >= 1. Got 0."):
        build_personas([], dimensions=DIMS, **{param: 0})
    with pytest.raises(ValueError, match="at least one attribute dimension"):
        build_personas([], dimensions=())
