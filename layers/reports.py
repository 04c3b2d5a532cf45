"""Citizen-report layer: one map trace of reports coloured by status (overdue in red).

Pure functions from :class:`ReportPoint` values to a plotly ``Scattermap``. Past
``max_points`` reports the trace shows grid cells instead: one marker per cell, sized by
its number of reports and coloured by the share still open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from math import floor, sqrt

import plotly.graph_objects as go

from ioc.aggregates.reports import Cell, ReportPoint
from ioc.i18n import t

STATUS_COLORS = {
    "received": "#38bdf8",
    "assigned": "#a78bfa",
    "in_progress": "#f59e0b",
    "reopened": "#f97316",
    "resolved": "#22c55e",
    "rejected": "#8b95a5",
    "duplicate": "#8b95a5",
}
OVERDUE_COLOR = "#ff3b30"
CLOSED = frozenset({"resolved", "rejected", "duplicate"})


def point_color(point: ReportPoint) -> str:
    return OVERDUE_COLOR if point.overdue else STATUS_COLORS.get(point.status, "#8b95a5")


def grid_cells(points: Sequence[ReportPoint], cell_deg: float) -> list[Cell]:
    """The points binned into square cells of ``cell_deg`` degrees, ordered by cell."""
    bins: dict[tuple[int, int], list[ReportPoint]] = defaultdict(list)
    for point in points:
        bins[(floor(point.lon / cell_deg), floor(point.lat / cell_deg))].append(point)
    return [
        Cell(
            (x + 0.5) * cell_deg,
            (y + 0.5) * cell_deg,
            len(members),
            sum(m.status not in CLOSED for m in members),
        )
        for (x, y), members in sorted(bins.items())
    ]


def cell_color(cell: Cell) -> str:
    share = cell.open_count / cell.count if cell.count else 0
    if share >= 0.5:
        return OVERDUE_COLOR
    return STATUS_COLORS["in_progress"] if share >= 0.2 else STATUS_COLORS["resolved"]


def report_trace(
    points: Sequence[ReportPoint], lang: str, max_points: int = 3000, cell_deg: float = 0.02
) -> go.Scattermap:
    """All reports as one trace; grid cells once there are more than ``max_points``."""
    if len(points) > max_points:
        return cell_trace(grid_cells(points, cell_deg), lang)
    return go.Scattermap(
        _validate=False,
        lon=[p.lon for p in points],
        lat=[p.lat for p in points],
        customdata=[p.id for p in points],
        text=[f"#{p.id} · {t(f'reports.status.{p.status}', lang)}" for p in points],
        hovertemplate="%{text}<extra></extra>",
        mode="markers",
        marker={"size": 12, "color": [point_color(p) for p in points]},
        name=t("reports.layer", lang),
        meta="reports",
    )


def cell_trace(cells: Sequence[Cell], lang: str) -> go.Scattermap:
    label = t("reports.layer.cell", lang)
    return go.Scattermap(
        _validate=False,
        lon=[c.lon for c in cells],
        lat=[c.lat for c in cells],
        customdata=[c.count for c in cells],
        text=[label.format(count=c.count, open=c.open_count) for c in cells],
        hovertemplate="%{text}<extra></extra>",
        mode="markers",
        marker={
            "size": [min(60, 8 + 3 * sqrt(c.count)) for c in cells],
            "color": [cell_color(c) for c in cells],
            "opacity": 0.8,
        },
        name=t("reports.layer", lang),
        meta="reports-cells",
    )
