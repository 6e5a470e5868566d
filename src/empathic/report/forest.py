"""Forest plot (estimates with confidence intervals around a zero line) as inline SVG, for experiment readouts.

Same conventions as :mod:`empathic.report.charts`: pure, no scripts or external resources, escaped text,
``<title>`` tooltips on every mark, scales with its container. A second, lighter interval per row (e.g. the
always-valid confidence sequence) can be drawn behind the main one.

>>> svg = forest_plot(["b", "c"], [0.10, -0.02], [0.05, -0.06], [0.15, 0.02], title="Relative lift")
>>> svg.startswith("<svg") and svg.count('class="estimate"'), "b: +10.0%" in svg
(2, True)
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from empathic.report.charts import PALETTE, SVG_NS, nice_ticks

_W, _PAD, _ROW = 640, 12, 26
_TEXT, _MUTED, _GRID, _AXIS = "#222222", "#595959", "#e6e6e6", "#8c8c8c"
POS, NEG, NEUTRAL = "#009E73", "#D55E00", PALETTE[0]


def _esc(v: object) -> str:
    return html.escape(str(v), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _ok(*xs: float | None) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def forest_plot(
    labels: Sequence[str],
    estimates: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    title: str = "",
    value_format: str = "{:+.1%}",
    outer_lows: Sequence[float | None] | None = None,
    outer_highs: Sequence[float | None] | None = None,
    outer_label: str = "always-valid",
) -> str:
    """One row per label: a dot at the estimate and a bar for its CI; green when the CI is above zero,
    orange when below, blue when it spans zero. Rows with a missing estimate show "n/a"."""
    n = len(labels)
    if not (len(estimates) == len(lows) == len(highs) == n):
        raise ValueError("forest_plot needs as many estimates, lows and highs as labels")
    outer_lows = outer_lows or [None] * n
    outer_highs = outer_highs or [None] * n
    values = [v for row in zip(lows, highs, outer_lows, outer_highs, estimates, strict=True) for v in row if _ok(v)] + [
        0.0
    ]
    lo, hi = min(values), max(values)
    ticks = nice_ticks(lo, hi, 5)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    top = 40 if title else _PAD
    chars = min(max((len(str(s)) for s in labels), default=4), 28)
    left, right = _PAD + chars * 7.2 + 10, _W - _PAD - 78

    def x_of(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1.0) * (right - left)

    parts: list[str] = []
    if title:
        parts.append(f'<text x="{_PAD}" y="20" dy="0.35em" font-size="14" font-weight="600" fill="{_TEXT}">'
                     f"{_esc(title)}</text>")  # fmt: skip
    bottom = top + max(n, 1) * _ROW
    for t in ticks:
        x = x_of(t)
        parts.append(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="{_GRID}"/>')
        parts.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 12)}" dy="0.35em" font-size="10" fill="{_MUTED}" '
            f'text-anchor="middle">{_esc(value_format.format(t))}</text>'
        )
    x0 = x_of(0.0)
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(top)}" x2="{_n(x0)}" y2="{_n(bottom)}" stroke="{_AXIS}"/>')
    for i, (lab, est, a, b, oa, ob) in enumerate(
        zip(labels, estimates, lows, highs, outer_lows, outer_highs, strict=True)
    ):
        mid = top + (i + 0.5) * _ROW
        shown = str(lab) if len(str(lab)) <= chars else str(lab)[: chars - 1] + "…"
        parts.append(
            f'<text x="{_n(left - 8)}" y="{_n(mid)}" dy="0.35em" font-size="12" fill="{_TEXT}" text-anchor="end">'
            f"{_esc(shown)}<title>{_esc(lab)}</title></text>"
        )
        if not _ok(est, a, b):
            parts.append(f'<text x="{_n(x0 + 6)}" y="{_n(mid)}" dy="0.35em" font-size="11" fill="{_MUTED}">n/a</text>')
            continue
        assert est is not None and a is not None and b is not None
        color = POS if a > 0 else NEG if b < 0 else NEUTRAL
        fmt = value_format.format
        if _ok(oa, ob):
            assert oa is not None and ob is not None
            parts.append(
                f'<rect class="outer" x="{_n(x_of(oa))}" y="{_n(mid - 7)}" width="{_n(max(x_of(ob) - x_of(oa), 1))}" '
                f'height="14" rx="3" fill="{color}" fill-opacity="0.15"><title>{_esc(lab)} {_esc(outer_label)}: '
                f"{_esc(fmt(oa))} to {_esc(fmt(ob))}</title></rect>"
            )
        tip = f"{lab}: {fmt(est)} (95% CI {fmt(a)} to {fmt(b)})"
        parts.append(
            f'<rect class="ci" x="{_n(x_of(a))}" y="{_n(mid - 2)}" width="{_n(max(x_of(b) - x_of(a), 1))}" '
            f'height="4" fill="{color}"><title>{_esc(tip)}</title></rect>'
        )
        parts.append(
            f'<circle class="estimate" cx="{_n(x_of(est))}" cy="{_n(mid)}" r="5" fill="{color}">'
            f"<title>{_esc(lab)}: {_esc(fmt(est))}</title></circle>"
        )
        parts.append(
            f'<text x="{_n(right + 8)}" y="{_n(mid)}" dy="0.35em" font-size="11" fill="{_MUTED}">'
            f"{_esc(fmt(est))}</text>"
        )
    height = bottom + 28
    label = _esc(title or "forest plot")
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_W} {_n(height)}" width="100%" role="img" aria-label="{label}" '
        'class="empathic-chart forest-plot" style="font-family: system-ui, sans-serif; height: auto; '
        f'background: #ffffff"><title>{label}</title>{"".join(parts)}</svg>'
    )
