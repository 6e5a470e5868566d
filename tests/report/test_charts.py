"""Tests for the inline SVG chart module (empathic.report.charts)."""

from __future__ import annotations

import doctest
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from empathic.report import cell_charts, charts
from empathic.report.cell_charts import donut_chart, heatmap
from empathic.report.charts import (
    PALETTE,
    SVG_NS,
    bar_chart,
    diverging_color,
    histogram,
    line_chart,
    nice_ticks,
    sequential_color,
    stacked_bar_chart,
)

TITLE = f"{{{SVG_NS}}}title"
TEXT = f"{{{SVG_NS}}}text"
EVIL = "<script>alert(1)</script>"
TRICKY = 'Tom & "Jerry" \'s <b>café</b> 😀🎉 &amp;'
LONG = "A very long label about customer onboarding friction that goes on and on and on"
MARK_CLASSES = {"bar", "segment", "line", "point", "bin", "cell", "slice"}

# One small, valid call per chart kind; `label` is used as title, a category/row label and a series name.
CHARTS: dict[str, Callable[[str], str]] = {
    "bar": lambda label: bar_chart([label, "b"], [3, 4], title=label),
    "column": lambda label: bar_chart([label, "b"], [3, -4], title=label, horizontal=False),
    "stacked": lambda label: stacked_bar_chart([label, "b"], {label: [1, 2], "s": [3, 4]}, title=label),
    "line": lambda label: line_chart([label, "b", "c"], {label: [1, 2, 3], "s": [3, None, 1]}, title=label),
    "histogram": lambda label: histogram([0.1, 0.2, -0.5], bins=5, title=label),
    "heatmap": lambda label: heatmap([label, "r"], [label, "c"], [[1, 2], [3, 4]], title=label),
    "donut": lambda label: donut_chart([label, "b"], [1, 3], title=label),
}

EMPTY: dict[str, Callable[[], str]] = {
    "bar": lambda: bar_chart([], []),
    "bar-all-missing": lambda: bar_chart(["a", "b"], [None, float("nan")]),
    "column": lambda: bar_chart([], [], horizontal=False),
    "stacked": lambda: stacked_bar_chart([], {}),
    "stacked-no-series": lambda: stacked_bar_chart(["a"], {}),
    "line": lambda: line_chart([], {}),
    "line-all-none": lambda: line_chart(["a", "b"], {"s": [None, None]}),
    "histogram": lambda: histogram([]),
    "histogram-all-missing": lambda: histogram([None, float("inf")]),
    "heatmap": lambda: heatmap([], [], []),
    "heatmap-all-none": lambda: heatmap(["a"], ["b"], [[None]]),
    "donut": lambda: donut_chart([], []),
    "donut-zero-total": lambda: donut_chart(["a", "b"], [0, 0]),
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    return root


def marks(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == cls]


def tip(el: ET.Element) -> str:
    title = el.find(TITLE)
    assert title is not None, f"mark {el.tag} has no <title>"
    return title.text or ""


def texts(root: ET.Element) -> list[str]:
    """Visible text (without the <title> tooltips nested in <text>)."""
    return [el.text or "" for el in root.iter(TEXT)]


def floats(el: ET.Element, *names: str) -> list[float]:
    return [float(el.get(n, "nan")) for n in names]


def view_box(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = (float(v) for v in root.get("viewBox", "").split())
    assert (x, y) == (0, 0) and w > 0 and h > 0
    return w, h


# ------------------------------------------------------------------------------------------ all charts
@pytest.mark.parametrize("kind", CHARTS)
def test_svg_root_is_accessible_and_scalable(kind: str) -> None:
    root = parse(CHARTS[kind]("Customer voice"))
    view_box(root)
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Customer voice"
    assert root[0].tag == TITLE and root[0].text == "Customer voice"
    assert "font-family: system-ui, sans-serif" in root.get("style", "")
    assert "Customer voice" in texts(root)  # visible heading


@pytest.mark.parametrize("kind", CHARTS)
def test_every_mark_has_a_tooltip(kind: str) -> None:
    root = parse(CHARTS[kind]("x"))
    found = [el for el in root.iter() if el.get("class") in MARK_CLASSES]
    assert found
    assert all(tip(el) for el in found)


@pytest.mark.parametrize("label", [EVIL, TRICKY], ids=["script", "tricky"])
@pytest.mark.parametrize("kind", CHARTS)
def test_labels_are_escaped(kind: str, label: str) -> None:
    svg = CHARTS[kind](label)
    root = parse(svg)
    assert "<script" not in svg and "<b>" not in svg
    assert re.search(r"&(?!amp;|lt;|gt;|quot;|#39;)", svg) is None  # every ampersand is an entity
    assert root.get("aria-label") == label  # round-trips exactly through the parser
    assert any(label in (t.text or "") for t in root.iter(TITLE))
    assert not [el for el in root.iter() if el.tag.endswith("script") or "script" in el.tag]


def test_colour_strings_are_escaped_too() -> None:
    evil = '"><script>alert(1)</script>'
    for svg in (
        bar_chart(["a"], [1], colors=evil),
        line_chart(["x", "y"], {"s": [1, 2]}, colors=[evil]),
        histogram([1, 2], bins=2, color_by_value=lambda _: evil),
        donut_chart(["a"], [1], colors=[evil]),
    ):
        root = parse(svg)
        assert "<script" not in svg
        assert any(el.get("fill") == evil or el.get("stroke") == evil for el in root.iter())


def test_control_characters_do_not_break_xml() -> None:
    root = parse(bar_chart(["bad\x00byte\x1b", "ok"], [1, 2], title="t\x0b"))
    assert [tip(b) for b in marks(root, "bar")] == ["badbyte: 1", "ok: 2"]


@pytest.mark.parametrize("kind", CHARTS)
def test_no_external_resources(kind: str) -> None:
    svg = CHARTS[kind](LONG)
    assert re.findall(r"https?://[^\s\"'<>]*", svg) == [SVG_NS]
    for banned in ("<script", "href", "url(", "@import", "<image", "<foreignObject", " id="):
        assert banned not in svg


@pytest.mark.parametrize("kind", EMPTY)
def test_empty_data_says_no_data(kind: str) -> None:
    root = parse(EMPTY[kind]())
    view_box(root)
    assert "No data" in texts(root)
    assert "no data" in root.get("aria-label", "")
    assert not [el for el in root.iter() if el.get("class") in MARK_CLASSES]


@pytest.mark.parametrize("kind", CHARTS)
def test_long_labels_are_truncated_with_full_label_in_tooltip(kind: str) -> None:
    root = parse(CHARTS[kind](LONG))
    truncated = [el for el in root.iter(TEXT) if (el.text or "").endswith("…")]
    assert truncated, "no label was truncated"
    for el in truncated:
        assert len(el.text or "") < len(LONG)
        assert tip(el) == LONG
        assert LONG.startswith((el.text or "")[:-1])


@pytest.mark.parametrize("kind", CHARTS)
def test_rect_marks_stay_inside_the_view_box(kind: str) -> None:
    root = parse(CHARTS[kind](LONG))
    width, height = view_box(root)
    for el in root.iter(f"{{{SVG_NS}}}rect"):
        x, y, w, h = floats(el, "x", "y", "width", "height")
        assert x >= 0 and y >= 0 and x + w <= width + 0.01 and y + h <= height + 0.01


def test_module_doctests_pass() -> None:
    for module, least in ((charts, 6), (cell_charts, 3)):
        result = doctest.testmod(module)
        assert result.attempted >= least and result.failed == 0, module.__name__


# ------------------------------------------------------------------------------------------ bar chart
def test_bar_chart_bars_tooltips_and_value_labels() -> None:
    labels = ["Price", "Support", "Delivery", "Quality", "App"]
    values = [1200, 30, 0, 7.4, 55]
    root = parse(bar_chart(labels, values, title="Topics"))
    bars = marks(root, "bar")
    assert len(bars) == 5
    assert [tip(b) for b in bars] == ["Price: 1,200", "Support: 30", "Delivery: 0", "Quality: 7", "App: 55"]
    assert {"1,200", "30", "0", "7", "55"} <= set(texts(root))
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths.index(max(widths)) == 0 and widths[2] == 0
    assert all(b.get("fill") == PALETTE[0] for b in bars)


def test_bar_chart_negative_values_extend_left_of_zero() -> None:
    bars = marks(parse(bar_chart(["up", "down"], [10, -5], value_format="{:+d}")), "bar")
    (xu, wu), (xd, wd) = (floats(b, "x", "width") for b in bars)
    assert xd + wd == pytest.approx(xu)  # both start at the zero line
    assert wu == pytest.approx(2 * wd, abs=0.05)
    assert [tip(b) for b in bars] == ["up: +10", "down: -5"]  # "{:+d}" works for integral values
    odd = marks(parse(bar_chart(["a"], [2.5], value_format="{:d}")), "bar")
    assert tip(odd[0]) == "a: 2.5"  # a format that does not fit falls back instead of raising


def test_bar_chart_vertical_negative_goes_down() -> None:
    root = parse(bar_chart(["a", "b", "c"], [4, -2, 1], horizontal=False))
    (ya, ha), (yb, hb), _ = (floats(b, "y", "height") for b in marks(root, "bar"))
    assert ya + ha == pytest.approx(yb)  # zero line
    assert ha == pytest.approx(2 * hb, abs=0.05)


def test_bar_chart_many_columns_rotate_labels() -> None:
    labels = [f"label number {i}" for i in range(12)]
    root = parse(bar_chart(labels, list(range(12)), horizontal=False))
    assert len(marks(root, "bar")) == 12
    rotated = [t for t in root.iter(TEXT) if "rotate(-40" in t.get("transform", "")]
    assert len(rotated) == 12


def test_bar_chart_single_point_zeros_missing_and_colors() -> None:
    assert [tip(b) for b in marks(parse(bar_chart(["only"], [3.5], value_format="{:.1f}")), "bar")] == ["only: 3.5"]
    zeros = parse(bar_chart(["a", "b"], [0, 0]))
    assert [tip(b) for b in marks(zeros, "bar")] == ["a: 0", "b: 0"]
    missing = parse(bar_chart(["a", "b", "c"], [1, None, 2], colors=["#111111", "#222222"]))
    bars = marks(missing, "bar")
    assert len(bars) == 2 and "n/a" in texts(missing)
    assert [b.get("fill") for b in bars] == ["#111111", "#111111"]  # colours follow the label index
    one = parse(bar_chart(["a", "b"], [1, 2], colors="#abcdef"))
    assert {b.get("fill") for b in marks(one, "bar")} == {"#abcdef"}


def test_length_mismatch_raises() -> None:
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [1])
    with pytest.raises(ValueError):
        donut_chart(["a"], [1, 2])
    with pytest.raises(ValueError):
        line_chart(["a", "b"], {"s": [1]})
    with pytest.raises(ValueError):
        stacked_bar_chart(["a", "b"], {"s": [1, 2], "t": [1]})
    with pytest.raises(ValueError):
        heatmap(["a"], ["x", "y"], [[1]])


# ------------------------------------------------------------------------------------------ stacked bars
def test_stacked_bar_chart_segments_legend_and_totals() -> None:
    series = {"Joy": [3, 5, 1], "Anger": [1, 2, 4]}
    root = parse(stacked_bar_chart(["Q1", "Q2", "Q3"], series, title="Emotions"))
    segments = marks(root, "segment")
    assert len(segments) == 6
    tips = [tip(s) for s in segments]
    assert "Q1 · Joy: 3 (75.0%)" in tips and "Q3 · Anger: 4 (80.0%)" in tips
    legend = marks(root, "legend")
    assert len(legend) == 1 and {"Joy", "Anger"} <= {t.text for t in legend[0].iter(TEXT)}
    assert {"4", "7", "5"} <= set(texts(root))  # totals
    fills = {tip(s).split(":")[0].split(" · ")[1]: s.get("fill") for s in segments}
    assert fills == {"Joy": PALETTE[0], "Anger": PALETTE[1]}


def test_stacked_bar_chart_normalize_fills_each_bar() -> None:
    root = parse(stacked_bar_chart(["a", "b"], {"x": [1, 30], "y": [3, 10], "z": [0, 0]}, normalize=True))
    segments = marks(root, "segment")
    assert len(segments) == 4  # zero values draw nothing
    rows: dict[str, float] = {}
    for s in segments:
        rows[s.get("y", "")] = rows.get(s.get("y", ""), 0.0) + float(s.get("width", "0"))
    assert len(rows) == 2
    first, second = rows.values()
    assert first == pytest.approx(second, abs=0.05)
    assert "25%" in texts(root) and "75%" in texts(root)


def test_stacked_bar_chart_negative_segments_go_left() -> None:
    root = parse(stacked_bar_chart(["a"], {"pos": [2], "neg": [-2]}))
    pos, neg = marks(root, "segment")
    assert float(neg.get("x", "0")) + float(neg.get("width", "0")) == pytest.approx(float(pos.get("x", "0")))


# ------------------------------------------------------------------------------------------ line chart
def test_line_chart_none_splits_the_path() -> None:
    root = parse(line_chart(list("abcde"), {"s": [1, 2, None, 4, 5]}))
    (path,) = marks(root, "line")
    assert path.get("d", "").count("M") == 2
    assert len(marks(root, "point")) == 4
    solid = marks(parse(line_chart(list("abc"), {"s": [1, 2, 3]})), "line")[0]
    assert solid.get("d", "").count("M") == 1 and solid.get("d", "").count("L") == 2


def test_line_chart_series_legend_and_tooltips() -> None:
    root = parse(line_chart(["Jan", "Feb"], {"Sales": [1234.5, -3], "Refunds": [2, 0]}, y_format="{:,.1f}"))
    assert len(marks(root, "line")) == 2
    points = marks(root, "point")
    assert [tip(p) for p in points] == [
        "Sales · Jan: 1,234.5",
        "Sales · Feb: -3.0",
        "Refunds · Jan: 2.0",
        "Refunds · Feb: 0.0",
    ]
    assert [tip(p) for p in marks(root, "line")] == ["Sales", "Refunds"]
    assert len(marks(root, "legend")) == 1
    assert {p.get("fill") for p in points} == {PALETTE[0], PALETTE[1]}
    # higher values are drawn higher up (smaller y)
    ys = [float(p.get("cy", "0")) for p in points]
    assert ys[0] < ys[2] < ys[3] < ys[1]


def test_line_chart_single_series_has_no_legend_and_single_point_works() -> None:
    root = parse(line_chart(["only"], {"s": [7]}))
    assert not marks(root, "legend")
    (point,) = marks(root, "point")
    assert tip(point) == "s · only: 7"
    flat = parse(line_chart(["a", "b"], {"s": [0, 0]}))
    assert len(marks(flat, "point")) == 2


def test_line_chart_thins_many_x_labels() -> None:
    days = [f"2024-01-{i:02d}" for i in range(1, 101)]
    root = parse(line_chart(days, {"s": [math.sin(i / 9) for i in range(100)]}))
    shown = [t for t in texts(root) if t.startswith("2024-01")]
    assert 2 <= len(shown) <= 12
    assert shown[0] == "2024-01-01"
    assert len(marks(root, "point")) == 100


# ------------------------------------------------------------------------------------------ histogram
def test_histogram_counts_bins_and_tooltips() -> None:
    values = [-0.9, -0.8, 0.05, 0.1, 0.2, 0.7, 1.0, 5.0, None]  # 5.0 is outside the range, None is skipped
    root = parse(histogram(values, bins=4, range=(-1, 1), title="Sentiment"))
    bins = marks(root, "bin")
    expected = ["[-1.00, -0.50): 2", "[-0.50, 0.00): 0", "[0.00, 0.50): 3", "[0.50, 1.00]: 2"]
    assert [tip(b) for b in bins] == expected
    heights = [float(b.get("height", "0")) for b in bins]
    assert heights[1] == 0 and heights[2] == max(heights) and heights[0] == pytest.approx(heights[3])


def test_histogram_color_by_value_uses_the_callable() -> None:
    root = parse(histogram([-1, -0.5, 0, 0.5, 1], bins=4, range=(-1, 1), color_by_value=diverging_color))
    fills = [b.get("fill") for b in marks(root, "bin")]
    assert fills == [diverging_color(c) for c in (-0.75, -0.25, 0.25, 0.75)]
    plain = parse(histogram([1, 2, 3], bins=3))
    assert {b.get("fill") for b in marks(plain, "bin")} == {PALETTE[0]}


def test_histogram_single_value_and_bad_arguments() -> None:
    root = parse(histogram([3, 3, 3], bins=5))
    counts = [int(tip(b).rsplit(": ", 1)[1]) for b in marks(root, "bin")]
    assert sum(counts) == 3 and counts.count(3) == 1 and len(counts) == 5
    with pytest.raises(ValueError):
        histogram([1, 2], bins=0)
    with pytest.raises(ValueError):
        histogram([1, 2], range=(2, 1))


# ------------------------------------------------------------------------------------------ heatmap
def test_heatmap_cells_values_and_rotated_columns() -> None:
    rows, cols = ["joy", "anger", "fear"], ["joy", "anger", "fear", "trust"]
    matrix = [[0.5, 0.1, 0.0, 0.4], [0.2, 0.6, 0.1, 0.1], [0.0, 0.3, 0.7, None]]
    root = parse(heatmap(rows, cols, matrix, title="Emotion transfer"))
    cells = marks(root, "cell")
    assert len(cells) == 12
    assert tip(cells[1]) == "joy → anger: 0.10" and tip(cells[11]) == "fear → trust: n/a"
    assert cells[11].get("fill") == "#eeeeee"
    by_tip = {tip(c): c.get("fill") for c in cells}
    assert by_tip["fear → fear: 0.70"] == sequential_color(1)
    assert by_tip["joy → fear: 0.00"] == sequential_color(0)
    assert "0.70" in texts(root) and "n/a" in texts(root)
    rotated = [t.text for t in root.iter(TEXT) if "rotate(-45" in t.get("transform", "")]
    assert rotated == cols


def test_heatmap_center_is_diverging() -> None:
    root = parse(heatmap(["a"], ["x", "y", "z"], [[-2, 0, 1]], center=0, value_format="{:+.0f}"))
    fills = [c.get("fill") for c in marks(root, "cell")]
    assert fills == [diverging_color(-1), diverging_color(0), diverging_color(0.5)]


def test_heatmap_large_grid_hides_cell_text() -> None:
    def numbers(root: ET.Element) -> list[str]:
        return [t for t in texts(root) if re.fullmatch(r"-?[\d,]+\.\d{3}", t)]

    n = 30
    labels = [f"r{i}" for i in range(n)]
    big = parse(heatmap(labels, labels, [[i * j for j in range(n)] for i in range(n)], value_format="{:.3f}"))
    assert len(marks(big, "cell")) == n * n
    assert len(numbers(big)) == 5  # only the colour key: no text in 900 small cells
    small = parse(heatmap(labels[:3], labels[:3], [[1, 2, 3]] * 3, value_format="{:.3f}"))
    assert len(numbers(small)) == 9 + 5
    single = parse(heatmap(["a"], ["b"], [[5]]))
    assert [tip(c) for c in marks(single, "cell")] == ["a → b: 5.00"]


# ------------------------------------------------------------------------------------------ donut
def test_donut_chart_slices_and_percentages() -> None:
    root = parse(donut_chart(["Promoters", "Passives", "Detractors", "Unknown"], [50, 30, 20, 0]))
    slices = marks(root, "slice")
    expected = ["Promoters: 50 (50.0%)", "Passives: 30 (30.0%)", "Detractors: 20 (20.0%)"]
    assert [tip(s) for s in slices] == expected
    shares = [t for t in texts(root) if "%" in t]
    assert shares == ["50.0% · 50", "30.0% · 30", "20.0% · 20", "0.0% · 0"]
    assert sum(float(s.split("%")[0]) for s in shares) == pytest.approx(100)
    assert "100" in texts(root)  # total in the middle
    assert [s.get("fill") for s in slices] == list(PALETTE[:3])


def test_donut_chart_single_slice_is_a_full_ring_and_negatives_are_ignored() -> None:
    root = parse(donut_chart(["all", "neg"], [7, -3]))
    (ring,) = marks(root, "slice")
    assert tip(ring) == "all: 7 (100.0%)"
    assert ring.get("d", "").count("M") == 2  # outer and inner circle


# ------------------------------------------------------------------------------------------ ticks & colours
@pytest.mark.parametrize(
    ("lo", "hi", "n"),
    [
        (0, 97, 5),
        (-0.83, 0.91, 5),
        (0.001, 0.0042, 5),
        (1234, 98765, 6),
        (-5, -1, 5),
        (3, 3, 5),
        (0, 0, 5),
        (1e6, 1e6 + 3, 5),
        (-1, 1, 5),
        (5, 2, 5),
        (0, 1, 2),
        (0.1, 0.3, 10),
        (0, 10, 1),
        (-1e-7, 3e-7, 5),
    ],
)
def test_nice_ticks_properties(lo: float, hi: float, n: int) -> None:
    ticks = nice_ticks(lo, hi, n)
    assert 2 <= len(ticks) <= 2 * n + 2
    step = ticks[1] - ticks[0]
    assert ticks[0] <= min(lo, hi) + 1e-9 * step and ticks[-1] >= max(lo, hi) - 1e-9 * step  # covers
    assert all(b > a for a, b in itertools.pairwise(ticks))  # strictly increasing
    assert all(b - a == pytest.approx(step) for a, b in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 5, 10))
    assert all(t / step == pytest.approx(round(t / step), abs=1e-6) for t in ticks)  # multiples of step
    assert all(len(repr(t)) <= 12 for t in ticks)  # no 0.30000000000000004


def test_nice_ticks_examples_and_errors() -> None:
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(-1, 1) == [-1, -0.5, 0, 0.5, 1]
    assert nice_ticks(0, 0) == [-1, -0.5, 0, 0.5, 1]
    with pytest.raises(ValueError):
        nice_ticks(0, math.inf)
    with pytest.raises(ValueError):
        nice_ticks(math.nan, 1)


def _luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_and_scales() -> None:
    assert len(PALETTE) >= 7 and len(set(PALETTE)) == len(PALETTE)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in PALETTE)
    assert "#E69F00" in PALETTE and "#0072B2" in PALETTE  # Okabe–Ito
    assert diverging_color(-5) == diverging_color(-1) and diverging_color(5) == diverging_color(1)
    neg, pos = diverging_color(-0.5), diverging_color(0.5)
    assert int(neg[1:3], 16) > int(neg[5:7], 16) and int(pos[5:7], 16) > int(pos[1:3], 16)  # red vs blue
    assert _luminance(diverging_color(0)) < 230  # the neutral midpoint stays visible on white
    lums = [_luminance(sequential_color(t / 10)) for t in range(11)]
    assert all(b < a for a, b in itertools.pairwise(lums))  # darker as t grows
    assert sequential_color(-1) == sequential_color(0) and sequential_color(2) == sequential_color(1)
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", diverging_color(math.nan))
