"""Table definitions (SQLAlchemy Core). Migrations in ``migrations/versions`` must match them."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False),
    Column("source_id", String(400), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("parent_id", String(400)),
    Column("author", String(400)),
    Column("created_at", String(40)),
    Column("rating", Float),
    Column("product", String(400)),
    Column("consent", Integer),
    Column("attrs", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("row_number", Integer),
    Column("ingested_at", String(40), nullable=False),
    # reply links (migration 0005): the pinned parent source, the resolved parent and how it resolved
    Column("parent_source", String(200)),
    Column("parent_doc_id", Integer),
    Column("parent_link", String(12)),  # matched | unmatched | ambiguous; NULL without parent_id
    UniqueConstraint("source", "source_id", name="uq_documents_source_id"),
    Index("ix_documents_kind", "kind"),
    Index("ix_documents_parent", "source", "parent_id"),
    Index("ix_documents_source_id", "source_id", "source"),  # covers parent look-ups
    Index("ix_documents_parent_id", "parent_id"),
    Index("ix_documents_parent_doc", "parent_doc_id"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("raw_bytes", LargeBinary),
    Column("source_id", String(400)),
    Column("file", Text),
    Column("raw_hash", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("source", "row_number", "raw_hash", name="uq_quarantine_row"),
    Index("ix_quarantine_reason", "reason"),
)

analysed = Table(
    "analysed",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("analyser", String(100), primary_key=True),
    Column("version", String(40), nullable=False),
    Column("analysed_at", String(40), nullable=False),
)

scores = Table(
    "scores",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("analyser", String(100), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("value", Float, nullable=False),
    Index("ix_scores_name_value", "analyser", "name", "value"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("file", Text, nullable=False),
    Column("source", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("read", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("by_reason", Text, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("finished_at", String(40), nullable=False),
    Column("parents", Text),  # JSON of ReplyLinks (migration 0005)
)

embeddings = Table(
    "embeddings",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("model", String(100), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, little-endian
)

results = Table(
    "results",
    metadata,
    Column("kind", String(50), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("payload", Text, nullable=False),  # JSON
    Column("created_at", String(40), nullable=False),
)

# -- experiments and bandits (migration 0004) -----------------------------------------------------------------

experiments = Table(
    "experiments",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("control", String(200), nullable=False),
    Column("metrics", Text, nullable=False),  # JSON list
    Column("binary", Text, nullable=False),  # JSON list
    Column("weights", Text, nullable=False),  # JSON object
    Column("created_at", String(40), nullable=False),
)

# one row per unit and metric; SQL GROUP BY turns them into per-arm sufficient statistics
experiment_units = Table(
    "experiment_units",
    metadata,
    Column("experiment", String(200), primary_key=True),
    Column("unit_id", String(200), primary_key=True),
    Column("metric", String(100), primary_key=True),
    Column("variant", String(200), nullable=False),
    Column("value", Float, nullable=False),
    Column("pre", Float),
)

# pre-aggregated, mergeable parts (a file streamed in chunks, an aggregated arm); a part is replaced as a whole
experiment_aggregates = Table(
    "experiment_aggregates",
    metadata,
    Column("experiment", String(200), primary_key=True),
    Column("part", String(400), primary_key=True),
    Column("variant", String(200), primary_key=True),
    Column("metric", String(100), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("sum", Float, nullable=False),
    Column("sum_sq", Float, nullable=False),
    Column("pre_n", Integer, nullable=False),
    Column("pre_sum", Float, nullable=False),
    Column("pre_sum_sq", Float, nullable=False),
    Column("cross", Float, nullable=False),
)

bandit_arms = Table(
    "bandit_arms",
    metadata,
    Column("bandit", String(200), primary_key=True),
    Column("segment", String(200), primary_key=True),
    Column("arm", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("n", Integer, nullable=False),
    Column("sum", Float, nullable=False),
    Column("sum_sq", Float, nullable=False),
    Column("updated_at", String(40), nullable=False),
)
