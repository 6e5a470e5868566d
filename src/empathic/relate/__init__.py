"""Relate: find the real customer stories that speak to an audience (persona-matched testimonials).

Pure: the store-facing half (audiences, loading scores) is :mod:`empathic.app.relate`.
"""

from empathic.relate.rankers import EmbeddingRanker, LexicalRanker, Ranker, get_ranker
from empathic.relate.testimonials import rank_pool, score_inputs

__all__ = [
    "EmbeddingRanker",
    "LexicalRanker",
    "Ranker",
    "get_ranker",
    "rank_pool",
    "score_inputs",
]
