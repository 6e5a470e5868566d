"""Empathic end to end through the Python API: one `Workspace`, the bundled demo brand, a report.

Run it from the repository (nothing is downloaded; everything stays in a temporary folder unless you give one):

    python examples/quickstart.py              # a temporary workspace, removed at the end
    python examples/quickstart.py ./my-brand   # keep the workspace and report.html in ./my-brand

Steps: create a workspace, ingest the demo CSVs (reviews, social posts and replies, testimonials with consent),
analyse them (sentiment, 28 emotions, embeddings; ONNX on CPU), then themes, personas, the testimonials that
speak to a persona, an extractive narrative quoting them (no language model), and the HTML report.
"""

from __future__ import annotations

import sys
import tempfile
from importlib.resources import files
from pathlib import Path

from empathic.types import ColumnMapping
from empathic.workspace import Workspace

DATA = Path(str(files("empathic.demo") / "data"))  # the sample brand shipped with the package

# Which column holds what, per file (any CSV, JSON Lines or Parquet file is mapped the same way).
FILES = [
    (
        "reviews.csv",
        "review",
        "reviews",
        ColumnMapping(
            text_col="text",
            id_col="review_id",
            author_col="author",
            time_col="date",
            rating_col="rating",
            product_col="product",
            attr_cols=("age_band", "region", "customer_type"),
        ),
    ),
    ("posts.csv", "post", "social", ColumnMapping(text_col="text", id_col="post_id", time_col="date")),
    (
        "replies.csv",
        "comment",
        "social",
        ColumnMapping(
            text_col="text",
            id_col="reply_id",
            parent_col="post_id",
            author_col="author",
            time_col="date",
            attr_cols=("age_band", "region"),
        ),
    ),
    (
        "testimonials.csv",
        "testimonial",
        "testimonials",
        ColumnMapping(
            text_col="text",
            id_col="testimonial_id",
            author_col="author",
            time_col="date",
            product_col="product",
            consent_col="consent",
            attr_cols=("age_band", "region", "customer_type"),
        ),
    ),
]


def main(folder: Path) -> Path:
    """Build a workspace in ``folder`` from the demo data and return the path of its HTML report."""
    with Workspace.init(folder / "workspace", exist_ok=True) as ws:
        for name, kind, source, mapping in FILES:
            run = ws.ingest(DATA / name, mapping, kind, source=source)
            print(f"ingested {name}: {run.stored} stored, {run.quarantined} quarantined")

        analysis = ws.analyze()
        print(f"analysed: {dict(analysis.analysed)}")

        for theme in ws.themes()[:3]:
            print(f"theme {theme.label!r}: {theme.size} documents")

        personas = ws.personas()
        print("personas:", ", ".join(p.name for p in personas))

        persona = personas[0].name
        ranking = ws.testimonials(persona=persona, k=3)
        for item in ranking.results:
            print(f"testimonial for {persona}: {item.author}: {item.highlight!r}")

        narrative = ws.narrate(persona=persona, fmt="social")  # extractive: templates and verbatim quotes
        print(f"narrative ({narrative.backend}):\n{narrative.text}")

        report = ws.report(folder / "report.html")
        print(f"report: {report}")
        return report


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
