"""The bundled demo: a fictional brand's customer voice, ingested, analysed and reported.

The sample data in ``demo/data`` was written for this project (see its README); it includes
a few deliberately bad rows so the report shows the quarantine at work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from empathic.types import ColumnMapping, DemoResult, DocumentKind
from empathic.workspace import Workspace

DATA_DIR = Path(__file__).parent / "data"
DEMO_PROPENSITY_TARGET = "rating >= 4"  # the propensity section's "would recommend" (a user-set rule)


@dataclass(frozen=True)
class DemoFile:
    name: str
    kind: DocumentKind
    source: str
    mapping: ColumnMapping


DEMO_FILES: tuple[DemoFile, ...] = (
    DemoFile(
        "reviews.csv",
        DocumentKind.REVIEW,
        "reviews",
        ColumnMapping(
            text_col="text",
            id_col="review_id",
            author_col="author",
            time_col="date",
            rating_col="rating",
            product_col="product",
            attr_cols=("age_band", "region", "customer_type", "title"),
        ),
    ),
    DemoFile(
        "posts.csv",
        DocumentKind.POST,
        "social",
        ColumnMapping(text_col="text", id_col="post_id", time_col="date", attr_cols=("channel", "campaign")),
    ),
    DemoFile(
        "replies.csv",
        DocumentKind.COMMENT,
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
    DemoFile(
        "testimonials.csv",
        DocumentKind.TESTIMONIAL,
        "testimonials",
        ColumnMapping(
            text_col="text",
            id_col="testimonial_id",
            author_col="author",
            time_col="date",
            product_col="product",
            consent_col="consent",
            attr_cols=("age_band", "region", "customer_type", "incentivised"),
        ),
    ),
    DemoFile(
        "ads.csv",
        DocumentKind.AD,
        "ads",
        ColumnMapping(
            text_col="text",
            id_col="ad_id",
            time_col="date",
            attr_cols=("experiment", "variant", "channel", "impressions", "clicks", "conversions"),
        ),
    ),
)


# ads.csv holds one aggregated row per ad variant: impressions are the units, clicks and conversions successes
DEMO_EXPERIMENTS = {
    "experiment_col": "experiment",
    "variant_col": "variant",
    "control": "control",
    "n_col": "impressions",
    "metrics": ["clicks", "conversions"],
}


def run_demo(out: str | Path = "demo-output", *, progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Create (or update) ``out/workspace``, ingest the sample brand, analyse, write ``out/report.html``.

    Running it twice is safe: the second run skips what is already stored.
    """
    started = time.perf_counter()
    out = Path(out)
    ws_dir = out / "workspace"
    ws = Workspace.init(ws_dir, exist_ok=True)
    steps = len(DEMO_FILES) + 2
    with ws:
        ingests = []
        for i, f in enumerate(DEMO_FILES, start=1):
            ingests.append(ws.ingest(DATA_DIR / f.name, f.mapping, f.kind, source=f.source))
            if progress:
                progress(i, steps)
        ws.experiment_ingest(DATA_DIR / "ads.csv", **DEMO_EXPERIMENTS)  # the ad arms are aggregated stats
        analysis = ws.analyze()
        ws.personas()  # stored by name, so testimonials and narratives can target them
        # the demo reviews have ratings but no recommend flag: "would recommend" is set here as rating >= 4
        ws.propensity(target=DEMO_PROPENSITY_TARGET, n_boot=500)
        if progress:
            progress(steps - 1, steps)
        report = ws.report(out / "report.html")
        if progress:
            progress(steps, steps)
    return DemoResult(
        workspace=str(ws.path),
        report=str(report.resolve()),
        ingests=tuple(ingests),
        analysis=analysis,
        seconds=time.perf_counter() - started,
    )
