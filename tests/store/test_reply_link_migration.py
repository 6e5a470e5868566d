"""Migration 0005 links the replies of a workspace made before cross-source links, by the stores' own rule."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

import empathic.store.sqlite as sqlite_module
from empathic.store.sqlite import SQLiteStore


def test_migration_links_existing_replies_like_the_stores_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(sqlite_module.__file__).parent / "migrations"))
    rows = [  # (source, source_id, kind, parent_id): a workspace as version 0004 stored it
        ("posts", "p1", "post", None),
        ("ads", "a1", "ad", None),
        ("blog", "a1", "post", None),
        ("comments", "c1", "comment", "p1"),  # in posts, but also in its own source (row 7): that wins
        ("comments", "c2", "comment", "a1"),  # in two other sources: ambiguous
        ("comments", "c3", "comment", "zz"),  # nowhere: unmatched
        ("comments", "p1", "post", None),
        ("thread", "t1", "comment", None),
        ("thread", "t2", "comment", "t1"),  # same source, as before
        ("comments", "c4", "comment", "t1"),  # only in one other source: linked across
    ]
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        for i, (source, sid, kind, parent) in enumerate(rows, start=1):
            conn.exec_driver_sql(
                "INSERT INTO documents (doc_id, source, source_id, kind, text, parent_id, attrs, content_hash, "
                "ingested_at) VALUES (?, ?, ?, ?, 'x', ?, '{}', 'h', 'now')",
                (i, source, sid, kind, parent),
            )
    engine.dispose()
    store = SQLiteStore(url=url)  # migrates to head
    try:
        assert store.reply_pairs() == [(7, 4), (8, 9), (8, 10)], "c1 -> comments/p1; t2 -> t1; c4 -> thread/t1"
        links = store.reply_links("comments")
        assert (links.matched, links.unmatched, links.ambiguous) == (2, 1, 1), links
        assert dict(links.ambiguous_examples) == {"a1": ("ads", "blog")} and links.unmatched_examples == ("zz",)
    finally:
        store.close()
