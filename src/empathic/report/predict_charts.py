"""Reliability diagram (calibration plot) as inline SVG, for the propensity section.

Same conventions as :mod:`empathic.report.charts`: pure, no scripts or external resources, escaped text,
a ``<title>`` tooltip on every mark, scales with its container. Both axes run from 0 to 1; the dashed
diagonal is perfect calibration; each bin is a dot at (mean predicted, observed rate) with its interval as
a vertical whisker, the dot's area growing with the bin's size.

>>> svg = reliability_diagram([0.05, 0.9], [0.1, 0.85], [40, 400], [0.03, 0.81], [0.23, 0.88], title="Calibration")
>>> svg.startswith("<svg") and svg.count('class="bin"'), "predicted 0.90" in svg
(2, True)
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from empathic.report.charts import PALETTE, SVG_NS

_W, _H, _PAD = 420, 420, 12
_TEXT, _MUTED, _GRID, _AXIS = "#222222", "#595959", "#e6e6e6", "#8c8c8c"


def _esc(v: object) -> str:
    return html.escape(str(v), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def reliability_diagram(
    predicted: Sequence[float],
    observed: Sequence[float],
    sizes: Sequence[int],
    lows: Sequence[float] | None = None,
    highs: Sequence[float] | None = None,
    *,
    title: str = "",
    color: str = PALETTE[0],
) -> str:
    """Observed rate against mean predicted probability per bin, with the diagonal of perfect calibration."""
    n = len(predicted)
    lows = lows if lows is not None else [math.nan] * n
    highs = highs if highs is not None else [math.nan] * n
    if not (len(observed) == len(sizes) == len(lows) == len(highs) == n):
        raise ValueError("reliability_diagram needs as many observed rates, sizes and intervals as bins")
    top = 40 if title else _PAD
    left, right, bottom = _PAD + 40, _W - _PAD - 8, top + _H - 90

    def x_of(v: float) -> float:
        return left + min(max(v, 0.0), 1.0) * (right - left)

    def y_of(v: float) -> float:
        return bottom - min(max(v, 0.0), 1.0) * (bottom - top)

    parts: list[str] = []
    if title:
        parts.append(f'<text x="{_PAD}" y="20" dy="0.35em" font-size="14" font-weight="600" fill="{_TEXT}">'
                     f"{_esc(title)}</text>")  # fmt: skip
    for i in range(6):
        t = i / 5
        parts.append(f'<line x1="{_n(x_of(t))}" y1="{_n(top)}" x2="{_n(x_of(t))}" y2="{_n(bottom)}" stroke="{_GRID}"/>')
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y_of(t))}" x2="{_n(right)}" y2="{_n(y_of(t))}" stroke="{_GRID}"/>')
        parts.append(f'<text x="{_n(x_of(t))}" y="{_n(bottom + 12)}" dy="0.35em" font-size="10" fill="{_MUTED}" '
                     f'text-anchor="middle">{t:.1f}</text>')  # fmt: skip
        parts.append(f'<text x="{_n(left - 6)}" y="{_n(y_of(t))}" dy="0.35em" font-size="10" fill="{_MUTED}" '
                     f'text-anchor="end">{t:.1f}</text>')  # fmt: skip
    parts.append(
        f'<line class="diagonal" x1="{_n(x_of(0))}" y1="{_n(y_of(0))}" x2="{_n(x_of(1))}" y2="{_n(y_of(1))}" '
        f'stroke="{_AXIS}" stroke-dasharray="4 3"><title>perfect calibration</title></line>'
    )
    parts.append(f'<text x="{_n((left + right) / 2)}" y="{_n(bottom + 32)}" dy="0.35em" font-size="11" '
                 f'fill="{_MUTED}" text-anchor="middle">mean predicted probability</text>')  # fmt: skip
    parts.append(f'<text x="{_PAD}" y="{_n((top + bottom) / 2)}" dy="0.35em" font-size="11" fill="{_MUTED}" '
                 f'text-anchor="middle" transform="rotate(-90 {_PAD + 4} {_n((top + bottom) / 2)})">'
                 "observed rate</text>")  # fmt: skip
    biggest = max((s for s in sizes), default=1) or 1
    for p, o, s, a, b in zip(predicted, observed, sizes, lows, highs, strict=True):
        if not (math.isfinite(p) and math.isfinite(o)):
            continue
        tip = f"predicted {p:.2f}, observed {o:.2f}"
        if math.isfinite(a) and math.isfinite(b):
            tip += f" (95% CI {a:.2f} to {b:.2f})"
            parts.append(f'<line x1="{_n(x_of(p))}" y1="{_n(y_of(a))}" x2="{_n(x_of(p))}" y2="{_n(y_of(b))}" '
                         f'stroke="{_esc(color)}" stroke-width="2"/>')  # fmt: skip
        r = 3 + 7 * math.sqrt(s / biggest)
        parts.append(
            f'<circle class="bin" cx="{_n(x_of(p))}" cy="{_n(y_of(o))}" r="{_n(r)}" fill="{_esc(color)}" '
            f'fill-opacity="0.75"><title>{_esc(tip)}, n = {s:,}</title></circle>'
        )
    height = bottom + 48
    label = _esc(title or "reliability diagram")
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_W} {_n(height)}" width="100%" role="img" aria-label="{label}" '
        'class="empathic-chart reliability-diagram" style="font-family: system-ui, sans-serif; height: auto; '
        f'background: #ffffff"><title>{label}</title>{"".join(parts)}</svg>'
    )
