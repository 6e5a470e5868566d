"""Experiments (definitions, unit-level observations, pre-aggregated parts) and bandit arm state.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("control", sa.String(200), nullable=False),
        sa.Column("metrics", sa.Text, nullable=False),
        sa.Column("binary", sa.Text, nullable=False),
        sa.Column("weights", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "experiment_units",
        sa.Column("experiment", sa.String(200), primary_key=True),
        sa.Column("unit_id", sa.String(200), primary_key=True),
        sa.Column("metric", sa.String(100), primary_key=True),
        sa.Column("variant", sa.String(200), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("pre", sa.Float),
    )
    op.create_table(
        "experiment_aggregates",
        sa.Column("experiment", sa.String(200), primary_key=True),
        sa.Column("part", sa.String(400), primary_key=True),
        sa.Column("variant", sa.String(200), primary_key=True),
        sa.Column("metric", sa.String(100), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("sum", sa.Float, nullable=False),
        sa.Column("sum_sq", sa.Float, nullable=False),
        sa.Column("pre_n", sa.Integer, nullable=False),
        sa.Column("pre_sum", sa.Float, nullable=False),
        sa.Column("pre_sum_sq", sa.Float, nullable=False),
        sa.Column("cross", sa.Float, nullable=False),
    )
    op.create_table(
        "bandit_arms",
        sa.Column("bandit", sa.String(200), primary_key=True),
        sa.Column("segment", sa.String(200), primary_key=True),
        sa.Column("arm", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("sum", sa.Float, nullable=False),
        sa.Column("sum_sq", sa.Float, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("bandit_arms", "experiment_aggregates", "experiment_units", "experiments"):
        op.drop_table(table)
