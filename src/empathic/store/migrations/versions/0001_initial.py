"""Initial schema: documents, quarantine, analysed, scores, ingest_runs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("source_id", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parent_id", sa.String(400)),
        sa.Column("author", sa.String(400)),
        sa.Column("created_at", sa.String(40)),
        sa.Column("rating", sa.Float),
        sa.Column("product", sa.String(400)),
        sa.Column("consent", sa.Integer),
        sa.Column("attrs", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer),
        sa.Column("ingested_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_documents_source_id"),
    )
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.create_index("ix_documents_parent", "documents", ["source", "parent_id"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("raw_bytes", sa.LargeBinary),
        sa.Column("source_id", sa.String(400)),
        sa.Column("file", sa.Text),
        sa.Column("raw_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("source", "row_number", "raw_hash", name="uq_quarantine_row"),
    )
    op.create_index("ix_quarantine_reason", "quarantine", ["reason"])
    op.create_table(
        "analysed",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("analyser", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("analysed_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("analyser", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_scores_name_value", "scores", ["analyser", "name", "value"])
    op.create_table(
        "ingest_runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("read", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("quarantined", sa.Integer, nullable=False),
        sa.Column("by_reason", sa.Text, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("ingest_runs", "scores", "analysed", "quarantine", "documents"):
        op.drop_table(table)
