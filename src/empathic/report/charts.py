"""Inline SVG charts for self-contained HTML reports (standard library only).

Each chart function is pure: it takes plain Python data and returns one ``<svg>`` element as a string. The
SVG has no scripts, no external resources and no ``id`` attributes, so it opens offline and many charts can
share a page. Every chart scales with its container (``viewBox`` plus ``width="100%"``), has ``role="img"``,
an ``aria-label`` and a ``<title>``, and every mark (bar, segment, point, bin, cell, slice) has a ``<title>``
child, so hovering shows the exact value without JavaScript. Text from the data is XML-escaped. Long labels
are cut short with an ellipsis, and the full label goes in a tooltip. Empty data gives a small "No data" SVG
instead of an error. Data of mismatched lengths raises ``ValueError``. Missing values (``None``, NaN, inf) are
skipped.

Colours: :data:`PALETTE` is the Okabe–Ito colour-blind-safe categorical palette. :func:`diverging_color` maps
[-1, 1] (e.g. sentiment) to red–grey–blue (ColorBrewer RdBu, grey midpoint so neutral marks stay visible on
white). :func:`sequential_color` maps [0, 1] to light→dark blue for heat maps. Heat maps and donuts are in
:mod:`empathic.report.cell_charts` (same conventions).

>>> svg = bar_chart(["Price", "Support"], [12, 30], title="Complaints by topic")
>>> svg.startswith("<svg") and "Support: 30" in svg
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "PALETTE",
    "SVG_NS",
    "bar_chart",
    "diverging_color",
    "histogram",
    "line_chart",
    "nice_ticks",
    "sequential_color",
    "stacked_bar_chart",
]

SVG_NS = "http://www.w3.org/2000/svg"
#: Okabe–Ito palette, reordered so the first colours have the most contrast on white (yellow comes last).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
_DIVERGING = ("#b2182b", "#ef8a62", "#cccccc", "#67a9cf", "#2166ac")  # -1 → +1
_SEQUENTIAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # 0 → 1

_W = 640  # default viewBox width
_PAD = 12
_ROW = 24  # row height of horizontal bar charts
_PLOT_H = 220  # plot height of charts with a vertical value axis
_TEXT, _MUTED, _GRID, _AXIS, _MISSING = "#222222", "#595959", "#e6e6e6", "#8c8c8c", "#eeeeee"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Colors = str | Sequence[str] | None  # one colour, or colours cycled over bars / series / slices
Labels = Sequence[object]
Values = Sequence[float | None]
Series = Mapping[str, Sequence[float | None]]


# ---------------------------------------------------------------------------------------------- helpers
def _esc(value: object) -> str:
    """Escape text for XML content and attribute values (and drop characters XML 1.0 forbids)."""
    text = _BAD_XML.sub("", str(value))
    for raw, ent in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        text = text.replace(raw, ent)
    return text


def _n(x: float) -> str:
    """A compact coordinate."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _num(v: object) -> float | None:
    """A finite float, or None for missing / non-numeric / non-finite values."""
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _fmt(v: float, fmt: str | None) -> str:
    """``fmt.format(v)``; with no format, or one that does not fit the value, an exact-ish default."""
    if fmt:
        for x in (v, int(v)) if v.is_integer() else (v,):  # int(v) lets "{:d}" format 3.0
            try:
                return fmt.format(x)
            except (ValueError, TypeError, IndexError, KeyError, AttributeError):
                pass
    if v.is_integer():
        return f"{int(v):,}"
    s = f"{v:,.4f}".rstrip("0").rstrip(".")
    return s if s not in ("0", "-0") else f"{v:.3g}"


def _tick_format(ticks: Sequence[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return f"{{:,.{max(0, -math.floor(math.log10(step) + 1e-9))}f}}"


def _truncate(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max(max_chars - 1, 1)].rstrip() + "…"


def _tw(chars: int, size: float = 12) -> float:
    """Estimated width of ``chars`` characters of sans-serif text."""
    return chars * size * 0.6


def _text(
    x: float,
    y: float,
    label: object,
    *,
    max_chars: int = 0,
    size: float = 12,
    anchor: str = "start",
    fill: str = _TEXT,
    rotate: float | None = None,
) -> str:
    """Vertically centred ``<text>`` (bold from size 14); when truncated, the full label is its ``<title>``."""
    full = str(label)
    shown = _truncate(full, max_chars) if max_chars else full
    attrs = f'x="{_n(x)}" y="{_n(y)}" dy="0.35em" font-size="{_n(size)}" fill="{_esc(fill)}"'
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += ' font-weight="600"' if size >= 14 else ""
    attrs += f' transform="rotate({_n(rotate)} {_n(x)} {_n(y)})"' if rotate is not None else ""
    tip = f"<title>{_esc(full)}</title>" if shown != full else ""
    return f"<text {attrs}>{_esc(shown)}{tip}</text>"


def _mark(tag: str, cls: str, attrs: str, fill: str, tip: str) -> str:
    """A data mark whose ``<title>`` child is its tooltip."""
    return f'<{tag} class="{cls}" {attrs} fill="{_esc(fill)}"><title>{_esc(tip)}</title></{tag}>'


def _rect(cls: str, x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(max(h, 0))}" stroke="#ffffff"'
    return _mark("rect", cls, attrs, fill, tip)


def _swatch(x: float, y: float, fill: str, w: float = 12, h: float = 12) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2" fill="{_esc(fill)}"/>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = _AXIS) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}"/>'


def _top(title: str) -> float:
    return 40 if title else _PAD


def _svg(width: float, height: float, title: str, kind: str, body: str, *, empty: bool = False) -> str:
    label = (title or kind) + (" (no data)" if empty else "")
    heading = _text(_PAD, 20, title, max_chars=int((width - 2 * _PAD) / 8.4), size=14) if title else ""
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" role="img" '
        f'aria-label="{_esc(label)}" class="empathic-chart {kind.replace(" ", "-")}" '
        f'style="font-family: system-ui, sans-serif; height: auto; background: #ffffff">'
        f"<title>{_esc(label)}</title>{heading}{body}</svg>"
    )


def _no_data(title: str, kind: str) -> str:
    body = _text(_W / 2, _top(title) + 16, "No data", size=13, anchor="middle", fill=_MUTED)
    return _svg(_W, _top(title) + 32 + _PAD, title, kind, body, empty=True)


def _colors(colors: Colors, n: int, default: Sequence[str]) -> list[str]:
    pool = [colors] if isinstance(colors, str) else list(colors or default)
    return [pool[i % len(pool)] for i in range(n)]


def _check(a: Sequence[object], b: Sequence[object], what: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{what}: lengths differ ({len(a)} != {len(b)})")


def _rgb(color: str) -> tuple[int, ...] | None:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5)) if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else None


def _interp(stops: Sequence[str], t: float) -> str:
    pos = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(pos), len(stops) - 2)
    a, b = _rgb(stops[i]) or (0, 0, 0), _rgb(stops[i + 1]) or (0, 0, 0)
    return "#" + "".join(f"{round(x + (y - x) * (pos - i)):02x}" for x, y in zip(a, b, strict=True))


def _ink(fill: str) -> str:
    """Text colour readable on ``fill``."""
    rgb = _rgb(fill)
    return "#ffffff" if rgb and 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 140 else _TEXT


def _legend(items: Sequence[tuple[str, str]], x0: float, y0: float) -> tuple[str, float]:
    """Swatch + name items wrapped in rows across the chart; returns (svg, height)."""
    parts, x, y = [], x0, y0
    for name, color in items:
        w = 32 + _tw(len(_truncate(name, 24)))
        if x > x0 and x + w > _W - _PAD:
            x, y = x0, y + 18
        parts += [_swatch(x, y, color), _text(x + 16, y + 6, name, max_chars=24)]
        x += w
    return f'<g class="legend">{"".join(parts)}</g>', y + 18 - y0


def _value_axis(
    ticks: Sequence[float], bottom: float, right: float, fmt: str, min_left: float = 0
) -> tuple[Callable[[float], float], float, str]:
    """Vertical value axis with gridlines, ``_PLOT_H`` tall; returns (y_of, plot's left edge, svg)."""
    left = max(_PAD + max(_tw(len(_fmt(t, fmt)), 11) for t in ticks) + 8, min_left)

    def y_of(v: float) -> float:
        return bottom - (v - ticks[0]) / (ticks[-1] - ticks[0]) * _PLOT_H

    parts = [_line(left, y_of(t), right, y_of(t), _AXIS if t == 0 else _GRID) for t in ticks]
    parts += [_text(left - 6, y_of(t), _fmt(t, fmt), size=11, anchor="end", fill=_MUTED) for t in ticks]
    return y_of, left, "".join(parts)


def _x_tick(x: float, bottom: float, label: str) -> str:
    return _line(x, bottom, x, bottom + 4) + _text(
        x, bottom + 14, label, max_chars=11, size=11, anchor="middle", fill=_MUTED
    )


# ---------------------------------------------------------------------------------------------- scales
def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values (steps of 1, 2 or 5 × 10^k) that cover ``[lo, hi]``.

    The first tick is <= ``lo`` and the last >= ``hi``; ticks increase strictly. Reversed bounds are
    swapped; an empty range is widened. Raises ``ValueError`` for non-finite bounds.

    >>> nice_ticks(0, 97)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    >>> nice_ticks(-0.83, 0.91, 4)
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"nice_ticks needs finite bounds, got {lo!r}, {hi!r}")
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi)):
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    f = raw / mag
    step = (1.0 if f < 1.5 else 2.0 if f < 3 else 5.0 if f < 7 else 10.0) * mag
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, digits) + 0.0 for k in range(first, last + 1)]


def diverging_color(value: float) -> str:
    """Colour for ``value`` in [-1, 1] (clamped): red (negative) – grey (0) – blue (positive).

    >>> diverging_color(-1), diverging_color(0), diverging_color(1)
    ('#b2182b', '#cccccc', '#2166ac')
    """
    v = _num(value)
    return _MISSING if v is None else _interp(_DIVERGING, (v + 1) / 2)


def sequential_color(t: float) -> str:
    """Colour for ``t`` in [0, 1] (clamped), light to dark blue, for heat maps.

    >>> sequential_color(0), sequential_color(1)
    ('#eff3ff', '#08519c')
    """
    v = _num(t)
    return _MISSING if v is None else _interp(_SEQUENTIAL, v)


# ---------------------------------------------------------------------------------------------- charts
def bar_chart(
    labels: Labels,
    values: Values,
    *,
    title: str = "",
    horizontal: bool = True,
    value_format: str = "{:,.0f}",
    colors: Colors = None,
) -> str:
    """Bar chart with value labels; bars grow from zero, so negative values go left (or down).

    ``colors`` is one colour, or a list cycled over the bars (default: the first palette colour).

    >>> svg = bar_chart(["Joy", "Anger"], [42, -7], title="Net mentions")
    >>> svg.count('class="bar"'), "Anger: -7" in svg
    (2, True)
    """
    _check(labels, values, "bar_chart labels/values")
    nums = [_num(v) for v in values]
    if all(v is None for v in nums):
        return _no_data(title, "bar chart")
    names, fills = [str(s) for s in labels], _colors(colors, len(nums), PALETTE[:1])
    texts = [_fmt(v, value_format) if v is not None else "n/a" for v in nums]
    if not horizontal:
        return _column_chart(names, nums, texts, fills, title)
    rows = [
        [] if v is None else [(v, f, f"{s}: {t}", "")] for v, f, s, t in zip(nums, fills, names, texts, strict=True)
    ]
    return _hbars(title, "bar chart", "bar", names, rows, texts)


def _hbars(
    title: str,
    kind: str,
    cls: str,
    cats: list[str],
    rows: list[list[tuple[float, str, str, str]]],
    ends: list[str],
    legend_items: Sequence[tuple[str, str]] = (),
) -> str:
    """Horizontal bars from a zero line: each row's (value, fill, tooltip, inner text) segments stack
    outwards (positive right, negative left) and ``ends`` label the outer end of each row."""
    extents = [(sum(v for v, *_ in row if v < 0), sum(v for v, *_ in row if v > 0)) for row in rows]
    lo, hi = min(0.0, *(e[0] for e in extents)), max(0.0, *(e[1] for e in extents))
    top, legend, legend_h = _top(title), "", 0.0
    if legend_items:
        legend, legend_h = _legend(legend_items, _PAD, top)
    top += legend_h + (6 if legend else 0)
    chars = min(max(len(c) for c in cats), 26)
    end_w = min(max(_tw(len(e), 11) for e in ends), _W * 0.2) + 6 if any(ends) else 0
    left, right = _PAD + _tw(chars) + 8 + (end_w if lo < 0 else 0), _W - _PAD - end_w

    def x_of(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1.0) * (right - left)

    parts = [legend]
    for i, (cat, row, end, (neg_end, pos_end)) in enumerate(zip(cats, rows, ends, extents, strict=True)):
        y, mid = top + i * _ROW, top + (i + 0.5) * _ROW
        parts.append(_text(_PAD + _tw(chars), mid, cat, max_chars=chars, anchor="end"))
        pos = neg = 0.0
        for v, fill, tip, inner in row:
            a, pos, neg = (pos, pos + v, neg) if v >= 0 else (neg + v, pos, neg + v)
            x0, x1 = x_of(a), x_of(a + abs(v))
            parts.append(_rect(cls, x0, y + 4, x1 - x0, _ROW - 8, fill, tip))
            if inner and _tw(len(inner), 10) + 6 <= x1 - x0:
                parts.append(_text((x0 + x1) / 2, mid, inner, size=10, anchor="middle", fill=_ink(fill)))
        right_side = pos_end > 0 or neg_end == 0
        x_end = x_of(pos_end) + 4 if right_side else x_of(neg_end) - 4
        parts.append(_text(x_end, mid, end, size=11, anchor="start" if right_side else "end", fill=_MUTED))
    bottom = top + len(cats) * _ROW
    parts.append(_line(x_of(0.0), top, x_of(0.0), bottom))
    return _svg(_W, bottom + _PAD, title, kind, "".join(parts))


def _column_chart(names: list[str], nums: list[float | None], texts: list[str], fills: list[str], title: str) -> str:
    finite = [v for v in nums if v is not None]
    ticks = nice_ticks(min(0.0, *finite), max(0.0, *finite))
    longest, bottom = max(len(s) for s in names), _top(title) + 16 + _PLOT_H
    rotate = len(names) > 8 or _tw(longest) > (_W - 80) / len(names)
    chars = 18 if rotate else max(2, int((_W - 80) / len(names) / 7.2))
    # rotated labels hang down-left from each column: keep the first one inside the svg
    min_left = _PAD + _tw(min(longest, chars), 11) * 0.77 - 8 if rotate else 0
    y_of, left, axis = _value_axis(ticks, bottom, _W - _PAD, _tick_format(ticks), min_left)
    col = (_W - _PAD - left) / len(names)
    parts = [axis]
    show_values = all(_tw(len(t), 11) <= col for t in texts)
    label_y = bottom + (26 if show_values and min(finite) < 0 else 12)  # clear of values under the axis
    for i, (name, v, text, fill) in enumerate(zip(names, nums, texts, fills, strict=True)):
        cx = left + (i + 0.5) * col
        anchor, rot = ("end", -40.0) if rotate else ("middle", None)
        parts.append(_text(cx, label_y, name, max_chars=chars, size=11, anchor=anchor, rotate=rot))
        if v is not None:
            y0, y1 = y_of(0.0), y_of(v)
            parts.append(_rect("bar", cx - col * 0.35, min(y0, y1), col * 0.7, abs(y1 - y0), fill, f"{name}: {text}"))
            parts.append(_text(cx, y1 + (-8 if v >= 0 else 8), text, size=11, anchor="middle") if show_values else "")
    label_h = _tw(min(longest, chars), 11) * 0.65 + 16 if rotate else 24
    return _svg(_W, label_y - 12 + label_h + _PAD, title, "bar chart", "".join(parts))


def stacked_bar_chart(
    categories: Labels,
    series: Series,
    *,
    title: str = "",
    normalize: bool = False,
    value_format: str = "{:,.0f}",
    colors: Colors = None,
) -> str:
    """Horizontal stacked bars: one bar per category, one segment per series, with a legend.

    Positive values stack rightwards and negative ones leftwards from zero. With ``normalize`` each bar
    shows shares of its total (of absolute values). Zero and missing values draw no segment.

    >>> svg = stacked_bar_chart(["Q1", "Q2"], {"Joy": [3, 5], "Anger": [1, 2]}, normalize=True)
    >>> svg.count('class="segment"'), "Q1 · Joy: 3 (75.0%)" in svg
    (4, True)
    """
    cats, names = [str(c) for c in categories], [str(k) for k in series]
    for key, vals in series.items():
        _check(categories, vals, f"stacked_bar_chart series {key!r}")
    if not cats or not names:
        return _no_data(title, "stacked bar chart")
    fills = _colors(colors, len(names), PALETTE)
    rows: list[list[tuple[float, str, str, str]]] = []
    ends = []
    for i, cat in enumerate(cats):
        raw = [_num(vals[i]) or 0.0 for vals in series.values()]
        total, row = sum(abs(v) for v in raw) or 1.0, []
        for v, name, fill in zip(raw, names, fills, strict=True):
            if v != 0:
                tip = f"{cat} · {name}: {_fmt(v, value_format)} ({abs(v) / total:.1%})"
                inner = f"{abs(v) / total:.0%}" if normalize else _fmt(v, value_format)
                row.append((v / total if normalize else v, fill, tip, inner))
        rows.append(row)
        ends.append("" if normalize else _fmt(sum(raw), value_format))
    return _hbars(title, "stacked bar chart", "segment", cats, rows, ends, list(zip(names, fills, strict=True)))


def line_chart(
    x_labels: Labels, series: Series, *, title: str = "", y_format: str | None = None, colors: Colors = None
) -> str:
    """Line chart of one or more series over ``x_labels``; ``None`` leaves a gap in the line.

    Every point is a circle whose tooltip gives the exact value (``y_format``, default: automatic).
    X labels are thinned when there are many; a legend is drawn for more than one series.

    >>> svg = line_chart(["Mon", "Tue", "Wed"], {"NPS": [31, None, 40]}, title="NPS")
    >>> svg.count('class="point"'), "NPS · Wed: 40" in svg
    (2, True)
    """
    xs = [str(x) for x in x_labels]
    for key, vals in series.items():
        _check(x_labels, vals, f"line_chart series {key!r}")
    data = {str(k): [_num(v) for v in vals] for k, vals in series.items()}
    finite = [v for vals in data.values() for v in vals if v is not None]
    if not xs or not finite:
        return _no_data(title, "line chart")
    fills = _colors(colors, len(data), PALETTE)
    legend, legend_h = _legend(list(zip(data, fills, strict=True)), _PAD, _top(title)) if len(data) > 1 else ("", 0)
    bottom = _top(title) + legend_h + 14 + _PLOT_H
    ticks = nice_ticks(min(finite), max(finite))
    y_of, left, axis = _value_axis(ticks, bottom, _W - _PAD, _tick_format(ticks), _PAD + 40)
    right, n = _W - _PAD - 36, len(xs)

    def x_of(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + i * (right - left) / (n - 1)

    parts = [legend, axis]
    parts += [_x_tick(x_of(i), bottom, xs[i]) for i in range(0, n, math.ceil(n / max(1, int((right - left) // 72))))]
    radius = 3 if n <= 60 else 1.5
    for (name, vals), color in zip(data.items(), fills, strict=True):
        pts = [(i, f"{_n(x_of(i))} {_n(y_of(v))}") for i, v in enumerate(vals) if v is not None]
        d = " ".join(f"{'L' if i and vals[i - 1] is not None else 'M'}{xy}" for i, xy in pts)
        attrs = f'd="{d}" stroke="{_esc(color)}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"'
        parts.append(_mark("path", "line", attrs, "none", name))
        for i, v in enumerate(vals):
            if v is not None:
                attrs = f'cx="{_n(x_of(i))}" cy="{_n(y_of(v))}" r="{radius}"'
                parts.append(_mark("circle", "point", attrs, color, f"{name} · {xs[i]}: {_fmt(v, y_format)}"))
    return _svg(_W, bottom + 24 + _PAD, title, "line chart", "".join(parts))


def histogram(
    values: Values,
    *,
    bins: int = 20,
    range: tuple[float, float] | None = None,
    title: str = "",
    color_by_value: Callable[[float], str] | None = None,
    value_format: str = "{:.2f}",
) -> str:
    """Histogram of ``values`` in ``bins`` equal bins over ``range`` (default: min to max of the data).

    Values outside ``range`` are ignored; the last bin includes its upper edge. ``color_by_value`` maps a
    bin centre to a colour, e.g. :func:`diverging_color` for sentiment scores in [-1, 1].

    >>> svg = histogram([-0.9, 0.1, 0.2, 0.8], bins=4, range=(-1, 1), color_by_value=diverging_color)
    >>> svg.count('class="bin"'), "[0.00, 0.50): 2" in svg
    (4, True)
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    vals = [f for f in (_num(v) for v in values) if f is not None]
    if not vals:
        return _no_data(title, "histogram")
    lo, hi = (min(vals), max(vals)) if range is None else (float(range[0]), float(range[1]))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
        raise ValueError(f"range must be finite with lo <= hi, got {range!r}")
    lo, hi = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    width, counts = (hi - lo) / bins, [0] * bins
    for v in vals:
        if lo <= v <= hi:
            counts[min(int((v - lo) / width), bins - 1)] += 1
    ticks = nice_ticks(0, max(*counts, 1))  # the top tick is a whole count, so the filter keeps it
    bottom, right = _top(title) + 8 + _PLOT_H, _W - _PAD - 16
    y_of, left, axis = _value_axis([t for t in ticks if t.is_integer()], bottom, right, "{:,.0f}")

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    parts = [axis]
    for i, count in enumerate(counts):
        a, b = lo + i * width, (hi if i == bins - 1 else lo + (i + 1) * width)
        fill = color_by_value(a + width / 2) if color_by_value else PALETTE[0]
        tip = f"[{_fmt(a, value_format)}, {_fmt(b, value_format)}{']' if i == bins - 1 else ')'}: {count:,}"
        parts.append(_rect("bin", x_of(a), y_of(count), x_of(b) - x_of(a), y_of(0) - y_of(count), fill, tip))
    x_ticks = nice_ticks(lo, hi, 6)
    eps = 1e-9 * (hi - lo)
    parts += [_x_tick(x_of(t), bottom, _fmt(t, _tick_format(x_ticks))) for t in x_ticks if lo - eps <= t <= hi + eps]
    return _svg(_W, bottom + 24 + _PAD, title, "histogram", "".join(parts))
