"""The built-in backends, as lazy ``module:attribute`` strings (see :mod:`empathic.registry`).

Keeping them in one data table means registering never imports a stage, so no import cycles
and no cost for backends that are never used.
"""

from __future__ import annotations

# (kind, name, target, extra needed, one-line summary)
BUILTINS: tuple[tuple[str, str, str, str | None, str], ...] = (
    (
        "store",
        "sqlite",
        "empathic.store.sqlite:SQLiteStore",
        None,
        "SQLite via SQLAlchemy Core, Alembic migrations, WAL mode (the embedded default)",
    ),
    (
        "store",
        "memory",
        "empathic.store.memory:MemoryStore",
        None,
        "In-process dictionaries; for tests and throwaway runs",
    ),
    (
        "analyser",
        "vader",
        "empathic.analyse.vader:VaderSentiment",
        None,
        "VADER lexicon sentiment: compound, pos, neu, neg (light, English)",
    ),
    (
        "analyser",
        "length",
        "empathic.analyse.textstats:TextStats",
        None,
        "Characters, words, sentences, questions, exclamations, emoji (light)",
    ),
    ("report_section", "overview", "empathic.report.sections:overview", None, "Headline counts"),
    ("report_section", "volume", "empathic.report.sections:volume", None, "Volume by kind and over time"),
    (
        "report_section",
        "sentiment",
        "empathic.report.sections:sentiment",
        None,
        "Sentiment distribution and by kind",
    ),
    (
        "report_section",
        "quotes",
        "empathic.report.sections:quotes",
        None,
        "Most positive and negative quotes",
    ),
    (
        "report_section",
        "data_quality",
        "empathic.report.sections:data_quality",
        None,
        "Ingest and quarantine summary",
    ),
)
