"""Server-rendered SVG charts (no script, no style attribute: the page's CSP allows neither inline).

A chart is plain data — rectangles with their position, size, colour and a title for the tooltip — drawn by
``advisories/_chart_*.html`` with SVG presentation attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from canhgac.advisories.querysets import Progress

COLOURS = {"overdue": "#dc3545", "open": "#fd7e14", "fixed": "#198754", "dismissed": "#adb5bd"}
WIDTH = 600
BAR = 18
GAP = 8
LABEL = 150
MAX_UNITS = 20


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    title: str


@dataclass
class BarRow:
    label: str
    y: int
    segments: list[Segment] = field(default_factory=list)
    total: int = 0

    @property
    def text_y(self) -> int:
        return self.y + BAR - 5


@dataclass
class BarChart:
    rows: list[BarRow]
    height: int
    width: int = WIDTH
    label_width: int = LABEL
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_x(self) -> int:
        return self.width - 45


def _parts(open_count: int, overdue: int, fixed: int, dismissed: int) -> list[tuple[str, int, str]]:
    return [("overdue", overdue, _("overdue")), ("open", open_count - overdue, _("open, not yet due")),
            ("fixed", fixed, _("fixed")), ("dismissed", dismissed, _("accepted risk or false positive"))]


def progress_chart(progress: Progress) -> BarChart:
    """One stacked bar per unit (the most urgent first): overdue, open, fixed, dismissed findings."""
    units = progress.units[:MAX_UNITS]
    largest = max((row.total for row in units), default=0) or 1
    span = WIDTH - LABEL - 55
    rows = []
    for index, unit in enumerate(units):
        row = BarRow(unit.unit.code, index * (BAR + GAP), total=unit.total)
        x = float(LABEL)
        for key, count, label in _parts(unit.open, unit.overdue, unit.fixed, unit.dismissed):
            if count > 0:
                width = span * count / largest
                row.segments.append(Segment(round(x, 1), round(width, 1), COLOURS[key], f"{unit.unit.code}: "
                                            f"{count} {label}"))
                x += width
        rows.append(row)
    legend = [(COLOURS[key], label) for key, _count, label in _parts(0, 0, 0, 0)]
    return BarChart(rows, max(len(rows) * (BAR + GAP), BAR), legend=legend)


def totals_chart(progress: Progress) -> BarChart:
    """One bar of every finding of the warning: how much is fixed, open and overdue."""
    parts = _parts(progress.sum("open"), progress.sum("overdue"), progress.sum("fixed"), progress.sum("dismissed"))
    total = sum(count for _key, count, _label in parts)
    row = BarRow(_("All units"), 0, total=total)
    x, span = float(LABEL), WIDTH - LABEL - 55
    for key, count, label in parts:
        if count > 0 and total:
            width = span * count / total
            row.segments.append(Segment(round(x, 1), round(width, 1), COLOURS[key], f"{count} {label}"))
            x += width
    return BarChart([row], BAR)  # the legend is the chart by unit's, shown below it
