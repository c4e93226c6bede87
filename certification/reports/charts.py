"""Server-side inline SVG charts (grouped bars, lines): the product runs offline, so no chart library or CDN.
Pure functions of labels and numbers; every text is escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2f6fba", "#e07b39", "#3a9d5d", "#c23b3b", "#7d5ba6", "#8c8c8c", "#d4a017")
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8)


def _axis_top(values: Sequence[Sequence[float]]) -> float:
    """A round top for four gridlines: 4 × a step of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten;
    counts (whole numbers) never get fractional gridlines."""
    largest = max((float(v) for series in values for v in series), default=0.0)
    whole = all(float(v).is_integer() for series in values for v in series)
    if largest <= 0:
        return 4.0
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (*STEPS, 10):
        step = factor * power
        if step >= raw and (not whole or float(step).is_integer()):
            return 4 * step
    return 4 * 10 * power


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _frame(title: str, top: float, unit: str) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" style="max-width:100%;height:auto;font-family:sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    plot_height = HEIGHT - TOP - BOTTOM
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_height - plot_height * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#52606d">{_number(value)}{escape(unit)}</text>')
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="17" font-size="12" fill="#1f2933">{escape(item.name)}</text>')
        x += 24 + 13 * len(item.name)
    return parts


def _x_labels(labels: Sequence[str], slot: float) -> list[str]:
    parts = []
    for index, label in enumerate(labels):
        x = LEFT + slot * (index + 0.5)
        y = HEIGHT - BOTTOM + 16
        parts.append(
            f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="end" fill="#1f2933" '
            f'transform="rotate(-30 {x:.1f} {y})"><title>{escape(label)}</title>{escape(_short(label))}</text>'
        )
    return parts


def bar_chart(*, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "") -> SafeString:
    """Grouped bars: one group per label, one bar per series, each bar titled with its exact value."""
    if not labels or not series:
        return mark_safe("")
    top = _axis_top([s.values for s in series])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(labels)
    bar = max(1.0, slot * 0.8 / len(series))
    parts = _frame(title, top, unit)
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for index, value in enumerate(item.values):
            height = plot_height * max(0.0, float(value)) / top
            x = LEFT + slot * index + slot * 0.1 + bar * s_index
            y = TOP + plot_height - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(labels[index])} · {escape(item.name)}: {_number(float(value))}{escape(unit)}</title></rect>"
            )
    parts += _x_labels(labels, slot) + _legend(series) + ["</svg>"]
    return mark_safe("".join(parts))


def line_chart(*, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "") -> SafeString:
    """Lines over the labels (years), a dot per point titled with its exact value."""
    if not labels or not series:
        return mark_safe("")
    top = _axis_top([s.values for s in series])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(labels)
    parts = _frame(title, top, unit)
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [
            (LEFT + slot * (index + 0.5), TOP + plot_height - plot_height * max(0.0, float(value)) / top)
            for index, value in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, item.values):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(label)} · {escape(item.name)}: {_number(float(value))}{escape(unit)}</title></circle>"
            )
    parts += _x_labels(labels, slot) + _legend(series) + ["</svg>"]
    return mark_safe("".join(parts))
