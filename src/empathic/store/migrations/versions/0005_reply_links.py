"""Reply links across sources: the pinned parent source, the resolved parent and its status (and the
link counts of each ingest run).

Existing replies are resolved here with the rule the stores apply on every write: the same
source first, else the one other source that holds the parent id; two or more → ambiguous.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SAME = (
    "SELECT p.doc_id FROM documents AS p WHERE p.source = documents.source "
    "AND p.source_id = documents.parent_id AND p.doc_id != documents.doc_id"
)
_OTHERS = "FROM documents AS p WHERE p.source_id = documents.parent_id AND p.source != documents.source"


def upgrade() -> None:
    op.add_column("documents", sa.Column("parent_source", sa.String(200)))
    op.add_column("documents", sa.Column("parent_doc_id", sa.Integer))
    op.add_column("documents", sa.Column("parent_link", sa.String(12)))
    op.add_column("ingest_runs", sa.Column("parents", sa.Text))
    op.create_index("ix_documents_source_id", "documents", ["source_id", "source"])
    op.create_index("ix_documents_parent_id", "documents", ["parent_id"])
    op.create_index("ix_documents_parent_doc", "documents", ["parent_doc_id"])
    op.execute(
        f"UPDATE documents SET parent_doc_id = COALESCE(({_SAME}), "
        f"(SELECT CASE WHEN COUNT(*) = 1 THEN MIN(p.doc_id) END {_OTHERS})) WHERE parent_id IS NOT NULL"
    )
    op.execute(
        "UPDATE documents SET parent_link = CASE WHEN parent_doc_id IS NOT NULL THEN 'matched' "
        f"WHEN (SELECT COUNT(*) {_OTHERS}) >= 2 THEN 'ambiguous' ELSE 'unmatched' END WHERE parent_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_documents_parent_doc", "documents")
    op.drop_index("ix_documents_parent_id", "documents")
    op.drop_index("ix_documents_source_id", "documents")
    with op.batch_alter_table("ingest_runs") as batch:
        batch.drop_column("parents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("parent_link")
        batch.drop_column("parent_doc_id")
        batch.drop_column("parent_source")
