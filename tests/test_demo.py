"""`empathic demo` builds a real workspace and report from the bundled sample brand."""

from __future__ import annotations

import csv
from pathlib import Path

from empathic.demo import DATA_DIR, DEMO_FILES, run_demo
from empathic.workspace import Workspace


def test_sample_data_is_what_the_demo_promises() -> None:
    with (DATA_DIR / "reviews.csv").open(encoding="utf-8", newline="") as f:
        reviews = list(csv.DictReader(f))
    assert len(reviews) >= 300
    assert {"age_band", "region", "customer_type", "rating", "product"} <= set(reviews[0])
    with (DATA_DIR / "testimonials.csv").open(encoding="utf-8", newline="") as f:
        consent = {r["consent"] for r in csv.DictReader(f)}
    assert consent == {"yes", "no", ""}, "the pool has consented, refused and unknown testimonials"
    assert (DATA_DIR / "README.md").exists()


def test_demo_end_to_end_and_idempotent(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo")
    report = Path(result.report)
    html = report.read_text(encoding="utf-8")
    sections = ("sentiment", "emotions", "mirror", "themes", "needs", "drivers", "personas", "testimonials")
    for section in (*sections, "narratives", "data_quality"):
        assert f'id="{section}"' in html, section
    readouts = html.split('id="experiments"')[1].split("</section>")[0]
    assert readouts.count("<h3>") == 3 and readouts.count("forest-plot") == 3, "the three ad experiments are read out"
    narratives = html.split('id="narratives"')[1].split("</section>")[0]
    with Workspace(result.workspace) as ws:
        personas = ws.store.results("persona")
    assert personas and narratives.count("<h3>") == len(personas), "one narrative per stored persona"
    assert narratives.count('<mark title="source testimonials/') >= len(personas), "quotes highlighted with sources"
    reviews = next(i for i in result.ingests if i.kind.value == "review")
    assert dict(reviews.by_reason) == {"empty_text": 3, "duplicate_id": 1}
    assert all(i.read == i.stored + i.skipped + i.quarantined for i in result.ingests)
    assert len(result.ingests) == len(DEMO_FILES)
    with Workspace(result.workspace) as ws:
        docs = list(ws.store.iter_documents())
        posts = {d.source_id for d in docs if d.kind.value == "post"}
        replies = [d for d in docs if d.kind.value == "comment"]
        assert replies and all(r.parent_id in posts for r in replies), "every reply links to its post"
        refused = [d for d in docs if d.kind.value == "testimonial" and d.consent is False]
        assert refused and all(d.text not in html for d in refused), "no quote without consent in the report"
        status = ws.status()
        assert status.unanalysed and all(v == 0 for v in status.unanalysed.values())
    again = run_demo(tmp_path / "demo")
    assert sum(i.stored for i in again.ingests) == 0
    assert sum(i.skipped for i in again.ingests) == sum(i.stored for i in result.ingests)
