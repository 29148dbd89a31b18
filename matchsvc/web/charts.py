"""Server-rendered SVG charts for the consoles: no script, no style attribute, no other origin.

A chart is one ``<svg>`` that scales with its container (``viewBox``, width 100% in the
stylesheet), so it fits a desktop table column and a 390-px phone alike. Colours come from the
stylesheet through the classes ``chart-s0`` … ``chart-s3`` (one per series); every bar carries a
``<title>`` with its exact number, and every chart sits beside a table of the same numbers, so
nothing is only in the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

#: Size of the drawing in user units; the browser scales it to the column width.
WIDTH = 640
ROW = 26
PAD_TOP = 28
PAD_BOTTOM = 36
PAD_LEFT = 40
LEGEND_ROW = 18


@dataclass(frozen=True)
class Series:
    """One named row of numbers, one per label (None: no data, drawn as nothing)."""

    name: str
    values: Sequence[float | int | None]


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (the top of the axis); at least
    2, so that counts never get a tick at one half."""
    if value <= 2:
        return 2.0
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop above always returns


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts = []
    x = PAD_LEFT
    for k, s in enumerate(series):
        parts.append(f'<rect class="chart-s{k % 4}" x="{x}" y="{y - 10}" width="12" height="12" fill="currentColor"/>')
        parts.append(f'<text class="chart-legend" x="{x + 16}" y="{y}">{escape(s.name)}</text>')
        x += 28 + 13 * len(s.name) + 20
    return parts


def column_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, height: int = 220) -> Markup:
    """Grouped columns: one group per label (a month, say), one column per series."""
    values = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0))
    plot_h = height - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)
    group_w = (WIDTH - PAD_LEFT - 8) / n
    bar_w = max(2.0, (group_w - 6) / max(len(series), 1))
    base = PAD_TOP + plot_h
    out = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>"]
    for frac in (0, 0.5, 1):
        y = base - frac * plot_h
        out.append(f'<line class="chart-grid" x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 4}" y2="{y:.1f}"/>')
        out.append(f'<text class="chart-axis" x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
                   f"{_fmt(top * frac)}</text>")
    every = max(1, -(-n // 12))  # at most a dozen labels under the axis
    for i, label in enumerate(labels):
        x0 = PAD_LEFT + i * group_w + 3
        for k, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                continue
            h = plot_h * (value / top)
            out.append(f'<rect class="chart-s{k % 4}" x="{x0 + k * bar_w:.1f}" y="{base - h:.1f}" '
                       f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="currentColor">'
                       f"<title>{escape(label)} · {escape(s.name)}: {_fmt(value)}</title></rect>")
        if i % every == 0:
            out.append(f'<text class="chart-axis" x="{x0 + group_w / 2 - 3:.1f}" y="{base + 14}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    out.extend(_legend(series, height - 6))
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars: one row per label (an org unit, say), one bar per series; long unit names
    get a row of their own above the bars."""
    values = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0))
    row_h = ROW * max(len(series), 1) * 0.6 + 16
    height = int(PAD_TOP + row_h * max(len(labels), 1) + LEGEND_ROW + 10)
    plot_w = WIDTH - 16 - 60
    out = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>"]
    bar_h = ROW * 0.6 - 2
    for i, label in enumerate(labels):
        y0 = PAD_TOP + i * row_h
        out.append(f'<text class="chart-label" x="8" y="{y0 + 10:.1f}">{escape(label)}</text>')
        for k, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            y = y0 + 14 + k * (bar_h + 2)
            w = 0.0 if value is None else plot_w * (value / top)
            out.append(f'<rect class="chart-s{k % 4}" x="8" y="{y:.1f}" width="{w:.1f}" height="{bar_h:.1f}" '
                       f'fill="currentColor"><title>{escape(label)} · {escape(s.name)}: {_fmt(value)}</title></rect>')
            out.append(f'<text class="chart-axis" x="{8 + w + 4:.1f}" y="{y + bar_h - 2:.1f}">{_fmt(value)}</text>')
    out.extend(_legend(series, height - 6))
    out.append("</svg>")
    return Markup("".join(out))
