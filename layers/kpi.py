"""KPI choropleth: units coloured by their Decision 766 total (0-100).

A pure function from per-unit scores and unit polygons (anything with ``code``, ``name``
and a shapely ``geom``) to one plotly ``Choroplethmap`` trace. Units without a score are
left out of the trace (so they show the base map), never coloured as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import plotly.graph_objects as go

from layers.areas import SIMPLIFY_DEG, Area, feature_collection

# red (poor) → amber → green (good), readable on the dark map
COLORSCALE = [[0.0, "#d7301f"], [0.5, "#fdae61"], [0.75, "#fee08b"], [1.0, "#1a9850"]]


def kpi_choropleth_trace(
    scores: Mapping[str, float | None],
    areas: Sequence[Area],
    name: str,
    *,
    zmin: float = 50.0,
    zmax: float = 100.0,
    tolerance: float = SIMPLIFY_DEG,
    opacity: float = 0.65,
) -> go.Choroplethmap:
    """Areas with a score, coloured by it; hover shows the name and the score."""
    scored = [a for a in areas if scores.get(a.code) is not None]
    values = [float(scores[a.code] or 0.0) for a in scored]
    return go.Choroplethmap(
        _validate=False,
        geojson=feature_collection(scored, tolerance),
        locations=[a.code for a in scored],
        z=values,
        text=[escape(a.name) for a in scored],
        hovertemplate="<b>%{text}</b><br>%{z:.1f}/100<extra></extra>",
        colorscale=COLORSCALE,
        zmin=zmin,
        zmax=zmax,
        marker={"opacity": opacity, "line": {"color": "rgba(230,237,247,0.6)", "width": 1}},
        colorbar={"title": {"text": name}, "thickness": 14},
        name=name,
        showlegend=False,
        uid="kpi-choropleth",
    )
