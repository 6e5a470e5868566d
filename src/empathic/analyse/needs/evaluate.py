"""Precision and recall of the needs detector against labelled sentences (see tests/fixtures/README.md)."""

from __future__ import annotations

from collections.abc import Sequence

from empathic.analyse.needs.cues import classify_sentence
from empathic.types import NeedKind

LABELS: tuple[str, ...] = (*(k.value for k in NeedKind), "none")


def evaluate(sentences: Sequence[str], labels: Sequence[str]) -> dict[str, object]:
    """Precision/recall/F1 of :func:`classify_sentence` against gold labels (``LABELS``), with a confusion matrix.

    ``per_label`` scores each label one-vs-rest; ``micro`` pools the four need kinds (a sentence counts as
    correct only with the right kind); ``any_need`` is need-of-any-kind vs ``none``. ``confusion[gold][pred]``.

    >>> r = evaluate(["I wish it had pockets.", "Lovely."], ["wish", "none"])
    >>> r["micro"]["f1"], r["confusion"]["wish"]["wish"]
    (1.0, 1)
    """
    if len(sentences) != len(labels):
        raise ValueError(f"sentences ({len(sentences)}) and labels ({len(labels)}) must have the same length")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected one of {list(LABELS)}")
    preds = []
    for s in sentences:
        hit = classify_sentence(s)
        preds.append(hit[0].value if hit else "none")
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(labels, preds, strict=True):
        confusion[g][p] += 1

    def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}

    pairs = list(zip(labels, preds, strict=True))
    per_label = {
        lab: prf(
            sum(g == p == lab for g, p in pairs),
            sum(p == lab != g for g, p in pairs),
            sum(g == lab != p for g, p in pairs),
        )
        for lab in LABELS
    }
    micro = prf(
        sum(g == p != "none" for g, p in pairs),
        sum(p != "none" and p != g for g, p in pairs),
        sum(g != "none" and p != g for g, p in pairs),
    )
    any_need = prf(
        sum(g != "none" and p != "none" for g, p in pairs),
        sum(g == "none" != p for g, p in pairs),
        sum(p == "none" != g for g, p in pairs),
    )
    return {"n": len(pairs), "per_label": per_label, "micro": micro, "any_need": any_need, "confusion": confusion}
