"""Alembic environment: runs migrations on the connection Empathic hands over."""

from __future__ import annotations

from alembic import context

from empathic.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("Run migrations through empathic (SQLiteStore), which passes a connection.")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
