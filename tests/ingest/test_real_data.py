"""The real files in ../shared/data, ingested as they are (skipped with a reason when absent)."""

from __future__ import annotations

from pathlib import Path

from empathic.types import ColumnMapping


def test_womens_clothing_reviews(workspace, shared_data: Path) -> None:
    path = shared_data / "womens_clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz"
    m = ColumnMapping(
        text_col="Review Text",
        rating_col="Rating",
        product_col="Clothing ID",
        attr_cols=(
            "Age",
            "Title",
            "Recommended IND",
            "Positive Feedback Count",
            "Division Name",
            "Department Name",
            "Class Name",
        ),
    )
    s = workspace.ingest(path, m, "review")
    assert s.read == 23486
    assert s.read == s.stored + s.skipped + s.quarantined
    assert dict(s.by_reason) == {"empty_text": 845}
    assert s.stored == 23486 - 845
    doc = next(workspace.store.iter_documents())
    assert doc.rating is not None and "Department Name" in doc.attrs and "Age" in doc.attrs


def test_twitter_customer_support_keeps_reply_links(workspace, shared_data: Path) -> None:
    path = shared_data / "twitter_customer_support" / "twcs_first5000.csv"
    m = ColumnMapping(
        text_col="text",
        id_col="tweet_id",
        parent_col="in_response_to_tweet_id",
        author_col="author_id",
        time_col="created_at",
        attr_cols=("inbound",),
    )
    s = workspace.ingest(path, m, "comment")
    assert s.read == s.stored + s.skipped + s.quarantined
    assert s.by_reason.get("malformed_row", 0) >= 1, "the file's broken row is quarantined, not dropped"
    assert set(s.by_reason) == {"malformed_row"}
    docs = list(workspace.store.iter_documents())
    ids = {d.source_id for d in docs}
    replies = [d for d in docs if d.parent_id]
    linked = [d for d in replies if d.parent_id in ids]
    assert len(replies) > 3000
    assert len(linked) / len(replies) > 0.8, "most replies point at a tweet in the file"
    assert all(d.created_at and d.created_at.endswith("Z") for d in docs)
    brand = [d for d in docs if d.attrs.get("inbound") == "False"]
    assert brand and all(not a.isdigit() for a in {d.author for d in brand} if a)


def test_goemotions_tsvs(workspace, shared_data: Path) -> None:
    for split, rows in (("train", 43410), ("dev", 5426)):
        s = workspace.ingest(
            shared_data / "goemotions" / f"{split}.tsv",
            ColumnMapping(text_col="text", id_col="comment_id"),
            "comment",
            columns=["text", "labels", "comment_id"],
        )
        assert s.read == rows, split
        assert s.quarantined == 0 and s.stored == rows
