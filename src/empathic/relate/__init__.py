"""Relate: find the real customer stories that speak to an audience (persona-matched testimonials)."""

from empathic.relate.rankers import EmbeddingRanker, LexicalRanker, Ranker, get_ranker
from empathic.relate.testimonials import rank_testimonials, resolve_audience, score_inputs, select_testimonials

__all__ = [
    "EmbeddingRanker",
    "LexicalRanker",
    "Ranker",
    "get_ranker",
    "rank_testimonials",
    "resolve_audience",
    "score_inputs",
    "select_testimonials",
]
