"""Bar charts drawn on the server as SVG: no chart library, no script, no inline style (the strict CSP holds).

:func:`bar_chart` computes the geometry; ``intel/_bar_chart.html`` draws it with presentation attributes and
Bootstrap's text colour classes (``fill="currentColor"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
MAX_LABELS = 12
MAX_BAR_WIDTH = 56


@dataclass
class Bar:
    label: str
    value: int
    x: float
    width: float
    y: float
    height: float
    inner: int = 0
    """The part of ``value`` drawn darker inside the bar (e.g. recurrences among the listed addresses)."""
    inner_y: float = 0
    inner_height: float = 0
    labelled: bool = True
    """Whether the label is written under the bar (with many bars, only every few)."""

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Chart:
    title: Any
    bars: list[Bar]
    ticks: list[tuple[int, float]] = field(default_factory=list)
    """(value, y) of the horizontal grid lines."""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    legend: tuple[Any, Any] | None = None


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at least ``value`` (the top of the value axis)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(title: Any, labels: Sequence[str], values: Sequence[int], inner: Sequence[int] | None = None,
              legend: tuple[Any, Any] | None = None) -> Chart:
    top = nice_ceiling(max(values, default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    width = min(max(slot * 0.7, 1.0), MAX_BAR_WIDTH)

    def y_of(value: int) -> float:
        return round(HEIGHT - BOTTOM - plot_height * value / top, 1)

    every = math.ceil(len(values) / MAX_LABELS) or 1
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        part = inner[index] if inner else 0
        bars.append(Bar(label, value, round(LEFT + index * slot + (slot - width) / 2, 1), round(width, 1),
                        y_of(value), round(HEIGHT - BOTTOM - y_of(value), 1), part, y_of(part),
                        round(HEIGHT - BOTTOM - y_of(part), 1), labelled=(len(values) - 1 - index) % every == 0))
    ticks = [(round(top * step / 4), y_of(round(top * step / 4))) for step in range(5)] if top >= 4 else \
        [(value, y_of(value)) for value in range(top + 1)]
    return Chart(title, bars, ticks, legend=legend)
