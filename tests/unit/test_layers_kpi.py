"""The KPI choropleth layer: scored units coloured, unscored ones left out."""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from layers.kpi import kpi_choropleth_trace


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    geom: shapely.Geometry


def test_trace_colours_scored_units_only() -> None:
    units = [Unit(c, f"Xã <{c}>", shapely.box(i, 0, i + 1, 1)) for i, c in enumerate("ABC")]
    trace = kpi_choropleth_trace({"A": 91.5, "B": None, "C": 72.0}, units, "Điểm 766")
    assert list(trace.locations) == ["A", "C"]
    assert list(trace.z) == [91.5, 72.0]
    assert [f["id"] for f in trace.geojson["features"]] == ["A", "C"]
    assert trace.text[0] == "Xã &lt;A&gt;"
    assert (trace.zmin, trace.zmax) == (50.0, 100.0)
