"""Personas: audience segments from author attributes and their own words. Pure Python, no I/O.

Authors are segmented by the combination of a few attribute ``dimensions`` (e.g. age band ×
department). Segments smaller than ``min_size`` are pooled one level coarser (the last dimension
dropped; the pooled segment is named with a trailing ``other``, e.g. ``"25-34 · other"``) and,
finally, into one ``"other"`` persona, so that no author is lost: persona sizes always add up to
the number of records. Only the ``max_personas`` largest personas are kept; the rest fold into
``"other"``, which is listed last and not counted against ``max_personas``.

Age-like dimensions (``Age``, ``age_band``, ``author_age``; a dimension ``age_band`` missing from
the attributes is read from ``Age``) are binned into bands 18-24, 25-34, 35-44, 45-54, 55-64 and
65+ (``under 18`` below). Missing or blank values read ``unknown``.

>>> recs = [(i, {"Age": str(20 + i % 30), "Department Name": "Dresses" if i % 3 else "Tops"}) for i in range(90)]
>>> [(p.name, p.size) for p in build_personas(recs, dimensions=("age_band", "Department Name"), min_size=10)]
[('25-34 · Dresses', 21), ('35-44 · Dresses', 18), ('18-24 · other', 15), ('35-44 · Tops', 12), \
('45-54 · Dresses', 12), ('other', 12)]
>>> persona_key({"Age": "29", "Department Name": "Dresses"}, ("age_band", "Department Name"))
'25-34 · Dresses'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from empathic.analyse.emotion.taxonomy import EKMAN
from empathic.types import Persona

OTHER = "other"
UNKNOWN = "unknown"
SEPARATOR = " · "
AGE_BANDS: tuple[tuple[int, str], ...] = ((18, "under 18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"),
                                          (65, "55-64"))  # fmt: skip
_BAND_NAMES = frozenset([band for _, band in AGE_BANDS] + ["65+"])
_AGE_NAME = re.compile(r"(^|[^a-z])age([^a-z]|$)")
_NUMBER = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*$")


def age_band(value: str | float | int | None) -> str:
    """The age band of a number (``"33"`` → ``"25-34"``); anything that is not a number reads ``unknown``.

    >>> age_band("33"), age_band(65), age_band(17), age_band("n/a")
    ('25-34', '65+', 'under 18', 'unknown')
    """
    if value is None or (isinstance(value, str) and not _NUMBER.match(value)):
        return UNKNOWN
    age = float(value)
    if not math.isfinite(age):
        return UNKNOWN
    return next((band for upper, band in AGE_BANDS if age < upper), "65+")


def _is_age(dimension: str) -> bool:
    return bool(_AGE_NAME.search(dimension.lower()))


def dimension_value(attrs: Mapping[str, str], dimension: str) -> str:
    """The value of one dimension for an author: age-like dimensions binned, missing → ``unknown``."""
    raw = attrs.get(dimension)
    if raw is None and dimension.lower() in ("age_band", "age band"):
        raw = next((v for k, v in attrs.items() if k.lower() == "age"), None)
    if _is_age(dimension):
        text = "" if raw is None else str(raw).strip()
        return text if text in _BAND_NAMES else age_band(text)  # a value already banded is kept
    text = "" if raw is None else str(raw).strip()
    return text or UNKNOWN


def persona_key(attrs: Mapping[str, str], dimensions: Sequence[str]) -> str:
    """The name of the finest segment an author belongs to, e.g. ``"25-34 · Dresses"``.

    Personas at full depth carry exactly this name, so later stages can target one by name;
    ``Persona.doc_ids`` says who ended up in a pooled (``… · other``) persona.
    """
    return SEPARATOR.join(dimension_value(attrs, d) for d in dimensions) if dimensions else OTHER


def build_personas(
    records: Sequence[tuple[int, Mapping[str, str]]],
    *,
    dimensions: Sequence[str],
    min_size: int = 20,
    max_personas: int = 8,
    emotion: Mapping[int, Mapping[str, float]] | None = None,
    needs: Mapping[int, Sequence[str]] | None = None,
    themes: Mapping[int, str] | None = None,
    centrality: Mapping[int, float] | None = None,
    top_n: int = 5,
    n_quotes: int = 3,
) -> list[Persona]:
    """Segment ``(doc_id, attrs)`` records into personas (see the module docstring), largest first, ``other`` last.

    ``emotion`` (doc → Ekman group → probability) gives each persona's mean ``emotion_profile``;
    ``needs`` (doc → need labels) and ``themes`` (doc → theme label) give its ``top_n`` most
    frequent labels, counted once per document (ties alphabetical); ``quote_ids`` are the
    ``n_quotes`` documents with the highest ``centrality`` (else the first ones).
    """
    for param, value in (("min_size", min_size), ("max_personas", max_personas), ("top_n", top_n)):
        if not (isinstance(value, int) and value >= 1):
            raise ValueError(f"The '{param}' parameter of build_personas must be an int >= 1. Got {value!r}.")
    if not dimensions:
        raise ValueError("build_personas needs at least one attribute dimension, e.g. ('age_band', 'Department Name').")
    dims = tuple(dimensions)
    keys = {doc_id: tuple(dimension_value(attrs, d) for d in dims) for doc_id, attrs in records}
    order = [doc_id for doc_id, _ in records]
    segments: list[tuple[str, dict[str, str], list[int]]] = []
    pending = order
    for depth in range(len(dims), 0, -1):
        groups: dict[tuple[str, ...], list[int]] = {}
        for doc_id in pending:
            groups.setdefault(keys[doc_id][:depth], []).append(doc_id)
        pending = []
        for values, doc_ids in groups.items():
            if len(doc_ids) >= min_size:
                name = SEPARATOR.join(values) if depth == len(dims) else SEPARATOR.join([*values, OTHER])
                segments.append((name, dict(zip(dims, values, strict=False)), doc_ids))
            else:
                pending.extend(doc_ids)
    segments.sort(key=lambda s: (-len(s[2]), s[0]))
    other = set(pending)
    for _, _, doc_ids in segments[max_personas:]:
        other.update(doc_ids)
    kept = segments[:max_personas]
    if other:
        kept.append((OTHER, {}, [d for d in order if d in other]))  # record order
    return [
        _persona(name, attrs, doc_ids, emotion, needs, themes, centrality, top_n, n_quotes)
        for name, attrs, doc_ids in kept
    ]


def _top(counts: Counter[str], n: int) -> tuple[str, ...]:
    return tuple(label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _persona(
    name: str,
    attrs: dict[str, str],
    doc_ids: list[int],
    emotion: Mapping[int, Mapping[str, float]] | None,
    needs: Mapping[int, Sequence[str]] | None,
    themes: Mapping[int, str] | None,
    centrality: Mapping[int, float] | None,
    top_n: int,
    n_quotes: int,
) -> Persona:
    need_counts: Counter[str] = Counter()
    theme_counts: Counter[str] = Counter()
    for d in doc_ids:
        need_counts.update(set((needs or {}).get(d, ())))
        if themes and themes.get(d) is not None:
            theme_counts[themes[d]] += 1
    ranked = doc_ids
    if centrality:  # most central first; documents without a centrality last, in record order
        position = {d: i for i, d in enumerate(doc_ids)}
        ranked = sorted(doc_ids, key=lambda d: (-centrality.get(d, -math.inf), position[d]))
    return Persona(
        name=name,
        size=len(doc_ids),
        attributes=attrs,
        top_needs=_top(need_counts, top_n),
        top_themes=_top(theme_counts, top_n),
        emotion_profile=emotion_profile(doc_ids, emotion or {}),
        quote_ids=tuple(ranked[:n_quotes]),
        doc_ids=tuple(doc_ids),
    )


def emotion_profile(doc_ids: Sequence[int], emotion: Mapping[int, Mapping[str, float]]) -> dict[str, float]:
    """Mean emotion mix over the documents that have one (a group a document lacks counts as 0).

    >>> emotion_profile([1, 2, 3], {1: {"joy": 0.8, "anger": 0.2}, 2: {"joy": 0.4}})
    {'anger': 0.1, 'joy': 0.6000000000000001}
    """
    rows = [emotion[d] for d in doc_ids if d in emotion]
    if not rows:
        return {}
    groups = {g for row in rows for g in row}
    ordered = [g for g in EKMAN if g in groups] + sorted(groups - set(EKMAN))
    return {g: math.fsum(row.get(g, 0.0) for row in rows) / len(rows) for g in ordered}


def distinctive(
    emotion_profiles: Mapping[str, Mapping[str, float]],
    *,
    top_n: int = 2,
    exclude: Sequence[str] = ("neutral",),
    sizes: Mapping[str, int] | None = None,
) -> dict[str, tuple[str, ...]]:
    """For each persona, the emotion groups where it exceeds the overall mean most (largest excess first).

    The overall mean is over personas (weighted by ``sizes`` when given); only groups above it count.

    >>> distinctive({"a": {"joy": 0.9, "anger": 0.1}, "b": {"joy": 0.5, "anger": 0.3}})
    {'a': ('joy',), 'b': ('anger',)}
    """
    names = list(emotion_profiles)
    groups = sorted({g for p in emotion_profiles.values() for g in p} - set(exclude))
    weights = {n: float(sizes[n]) if sizes else 1.0 for n in names}
    total = math.fsum(weights.values()) or 1.0
    mean = {g: math.fsum(weights[n] * emotion_profiles[n].get(g, 0.0) for n in names) / total for g in groups}
    out = {}
    for n in names:
        excess = [(emotion_profiles[n].get(g, 0.0) - mean[g], g) for g in groups]
        above = sorted((e for e in excess if e[0] > 1e-12), key=lambda e: (-e[0], e[1]))
        out[n] = tuple(g for _, g in above[:top_n])
    return out
