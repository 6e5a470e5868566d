"""The experiments section: a readout per stored experiment, forest plot of lifts, SRM warning."""

from __future__ import annotations

import xml.dom.minidom

from empathic.report import render_report
from empathic.report.experiments import experiments
from empathic.report.forest import forest_plot
from empathic.report.page import ReportContext
from empathic.store import open_store
from empathic.types import ExperimentSpec, MetricStats


def _store(control_n: int, b_n: int):
    store = open_store("memory")
    store.save_experiment(ExperimentSpec("hero <test>", "control", ("click",), ("click",)))
    store.write_experiment_aggregates(
        "hero <test>",
        "arms",
        {"control": {"click": MetricStats(control_n, 0.05 * control_n, 0.05 * control_n)},
         "b": {"click": MetricStats(b_n, 0.06 * b_n, 0.06 * b_n)}},
    )  # fmt: skip
    return store


def test_section_shows_readout_and_flags_sample_ratio_mismatch() -> None:
    ok = experiments(ReportContext(_store(20_000, 20_100)))
    assert ok is not None and "hero &lt;test&gt;" in ok.html and "Sample ratio mismatch" not in ok.html
    assert "5.00% [4.70%, 5.30%]" in ok.html and "+20.0%" in ok.html  # control CI, relative lift of b
    bad = experiments(ReportContext(_store(20_000, 22_000)))
    assert bad is not None and "Sample ratio mismatch" in bad.html and "Do not trust" in bad.html
    assert experiments(ReportContext(open_store("memory"))) is None  # nothing stored: no section
    html = render_report(_store(20_000, 20_100), sections=["experiments"])
    assert html.count('class="empathic-chart forest-plot"') == 1


def test_forest_plot_is_well_formed_and_escapes() -> None:
    svg = forest_plot(
        ["<b>", "missing", "neg"], [0.1, None, -0.2], [0.05, None, -0.3], [0.15, None, -0.1],
        title="A & B", outer_lows=[0.0, None, -0.4], outer_highs=[0.2, None, 0.0],
    )  # fmt: skip
    xml.dom.minidom.parseString(svg)
    assert "&lt;b&gt;" in svg and "A &amp; B" in svg and "n/a" in svg
    assert svg.count('class="estimate"') == 2 and svg.count('class="outer"') == 2
    assert "#009E73" in svg and "#D55E00" in svg  # above zero green, below zero orange


def test_a_broken_experiment_is_named_not_hidden() -> None:
    store = _store(20_000, 20_100)
    store.save_experiment(ExperimentSpec("weights typo", "control", ("click",), ("click",), {"control": 1, "bb": 1}))
    store.write_experiment_aggregates(
        "weights typo",
        "arms",
        {"control": {"click": MetricStats(10, 1.0, 1.0)}, "b": {"click": MetricStats(10, 2.0, 2.0)}},
    )
    section = experiments(ReportContext(store))
    assert section is not None and "Not analysed: EMP952" in section.html and "hero &lt;test&gt;" in section.html
