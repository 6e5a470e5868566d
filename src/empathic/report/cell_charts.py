"""Heat maps and donuts for the HTML report: charts whose marks are grid cells or ring slices.

The conventions of :mod:`empathic.report.charts` hold here too (pure functions returning one ``<svg>``, no
scripts or ids, a ``<title>`` on every mark, escaped text, "No data" for empty input, ``ValueError`` on
mismatched lengths, missing values skipped); the drawing primitives are shared with that module.

>>> svg = donut_chart(["Promoters", "Detractors"], [3, 1], title="Mix")
>>> svg.count('class="slice"')
2
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from empathic.report.charts import (
    _MISSING,
    _MUTED,
    _PAD,
    _W,
    PALETTE,
    Colors,
    Labels,
    Values,
    _check,
    _colors,
    _fmt,
    _ink,
    _mark,
    _n,
    _no_data,
    _num,
    _rect,
    _svg,
    _swatch,
    _text,
    _top,
    _tw,
    diverging_color,
    sequential_color,
)

__all__ = ["donut_chart", "heatmap"]


def heatmap(
    row_labels: Labels,
    col_labels: Labels,
    matrix: Sequence[Values],
    *,
    title: str = "",
    value_format: str = "{:.2f}",
    center: float | None = None,
) -> str:
    """Grid of cells coloured by value, e.g. an emotion transfer matrix (rows → columns).

    Sequential blues from min to max, or, when ``center`` is given, red–grey–blue diverging around it.
    Values are printed in the cells when they fit; missing cells are light grey with "n/a". A colour key
    is drawn below the grid.

    >>> svg = heatmap(["joy", "anger"], ["joy", "anger"], [[0.7, 0.1], [0.2, 0.5]], title="Transfers")
    >>> svg.count('class="cell"'), "joy → anger: 0.10" in svg
    (4, True)
    """
    rows, cols = [str(r) for r in row_labels], [str(c) for c in col_labels]
    _check(row_labels, matrix, "heatmap row_labels/matrix rows")
    for row in matrix:
        _check(col_labels, row, "heatmap col_labels/matrix row")
    grid = [[_num(v) for v in row] for row in matrix]
    finite = [v for row in grid for v in row if v is not None]
    if not rows or not cols or not finite:
        return _no_data(title, "heatmap")
    lo, hi = min(finite), max(finite)
    if center is not None:
        span = max(abs(hi - center), abs(lo - center)) or 1.0
        lo, hi = center - span, center + span

    def color(v: float) -> str:
        t = (v - lo) / (hi - lo) if hi > lo else 0.5
        return sequential_color(t) if center is None else diverging_color(2 * t - 1)

    row_chars, col_chars = min(max(len(r) for r in rows), 24), min(max(len(c) for c in cols), 20)
    left, ext = _PAD + _tw(row_chars, 11) + 8, _tw(col_chars, 11) * 0.71 + 8  # ext: rotated label size
    cell = max(12.0, min(48.0, (_W - left - _PAD - ext) / len(cols)))
    grid_top = _top(title) + ext + 4
    texts = [[_fmt(v, value_format) if v is not None else "n/a" for v in row] for row in grid]
    show = len(rows) * len(cols) <= 400 and all(_tw(len(t), 10) + 4 <= cell for row in texts for t in row)
    parts = [
        _text(left + (j + 0.5) * cell, grid_top - 6, c, max_chars=col_chars, size=11, rotate=-45)
        for j, c in enumerate(cols)
    ]
    for i, (r, vals, row_texts) in enumerate(zip(rows, grid, texts, strict=True)):
        y = grid_top + i * cell
        parts.append(_text(left - 6, y + cell / 2, r, max_chars=row_chars, size=11, anchor="end"))
        for j, (c, v, text) in enumerate(zip(cols, vals, row_texts, strict=True)):
            fill, x = _MISSING if v is None else color(v), left + j * cell
            parts.append(_rect("cell", x, y, cell, cell, fill, f"{r} → {c}: {text}"))
            if show:
                parts.append(_text(x + cell / 2, y + cell / 2, text, size=10, anchor="middle", fill=_ink(fill)))
    key_y = grid_top + len(rows) * cell + 14
    for k in (0, 1, 2, 3, 4):
        v, x = lo + k * (hi - lo) / 4, left + k * 64
        parts.append(_swatch(x, key_y, color(v), 60, 10))
        parts.append(_text(x + 30, key_y + 20, _fmt(v, value_format), size=10, anchor="middle", fill=_MUTED))
    width = max(_W, left + cell * len(cols) + ext + _PAD)
    return _svg(width, key_y + 28 + _PAD, title, "heatmap", "".join(parts))


def _arc(cx: float, cy: float, outer: float, inner: float, a0: float, a1: float) -> str:
    """Path of a ring sector from angle a0 to a1 (radians); a full turn gives a whole ring."""

    def pt(radius: float, a: float) -> str:
        return f"{_n(cx + radius * math.cos(a))} {_n(cy + radius * math.sin(a))}"

    if a1 - a0 >= 2 * math.pi - 1e-9:  # full ring: two half arcs out, two back in (evenodd hole)
        am, o, i = a0 + math.pi, outer, inner
        return (
            f"M{pt(o, a0)} A{o} {o} 0 1 1 {pt(o, am)} A{o} {o} 0 1 1 {pt(o, a0)} Z "
            f"M{pt(i, a0)} A{i} {i} 0 1 0 {pt(i, am)} A{i} {i} 0 1 0 {pt(i, a0)} Z"
        )
    large = 1 if a1 - a0 > math.pi else 0
    return (
        f"M{pt(outer, a0)} A{outer} {outer} 0 {large} 1 {pt(outer, a1)} "
        f"L{pt(inner, a1)} A{inner} {inner} 0 {large} 0 {pt(inner, a0)} Z"
    )


def donut_chart(
    labels: Labels, values: Values, *, title: str = "", value_format: str = "{:,.0f}", colors: Colors = None
) -> str:
    """Donut of shares with the total in the middle and a legend giving each percentage and value.

    Shares need non-negative values: negative and missing values count as zero (legend only, no slice).

    >>> svg = donut_chart(["Promoters", "Passives", "Detractors"], [50, 30, 20], title="NPS mix")
    >>> svg.count('class="slice"'), "Promoters: 50 (50.0%)" in svg
    (3, True)
    """
    _check(labels, values, "donut_chart labels/values")
    names, nums = [str(s) for s in labels], [max(_num(v) or 0.0, 0.0) for v in values]
    total = sum(nums)
    if total <= 0:
        return _no_data(title, "donut chart")
    fills, top, outer, inner = _colors(colors, len(names), PALETTE), _top(title), 90, 54
    cx, cy, angle = _PAD + outer + 4, top + outer + 4, -math.pi / 2
    parts = []
    for name, v, fill in zip(names, nums, fills, strict=True):
        if v > 0:
            d = _arc(cx, cy, outer, inner, angle, angle + v / total * 2 * math.pi)
            tip = f"{name}: {_fmt(v, value_format)} ({v / total:.1%})"
            parts.append(_mark("path", "slice", f'd="{d}" fill-rule="evenodd" stroke="#ffffff"', fill, tip))
            angle += v / total * 2 * math.pi
    parts.append(_text(cx, cy - 8, _fmt(total, value_format), size=18, anchor="middle"))
    parts.append(_text(cx, cy + 12, "total", size=11, anchor="middle", fill=_MUTED))
    lx, shares = cx + outer + 28, [f"{v / total:.1%} · {_fmt(v, value_format)}" for v in nums]
    chars = max(4, int((_W - _PAD - lx - 26 - max(_tw(len(s), 11) for s in shares)) / 7.2))
    for i, (name, share, fill) in enumerate(zip(names, shares, fills, strict=True)):
        y = top + 8 + i * 20
        parts += [_swatch(lx, y, fill), _text(lx + 18, y + 6, name, max_chars=chars)]
        parts.append(_text(_W - _PAD, y + 6, share, size=11, anchor="end", fill=_MUTED))
    height = max(top + 2 * outer + 8, top + 8 + len(names) * 20) + _PAD
    return _svg(_W, height, title, "donut chart", "".join(parts))
