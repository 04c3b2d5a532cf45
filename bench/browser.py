"""What the benches (and the page tests, which import it from here) need to drive Chromium:
where it is, how it is started, and the JavaScript that reads the overview map's plotly
figure out of the browser."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("IOC_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The plotly figure as the browser holds it, one summary per trace.
FIGURE_JS = """() => {
    const graph = document.getElementById('overview-map');
    const gd = graph && graph.querySelector('.js-plotly-plot');
    if (!gd || !gd.data) return null;
    return gd.data.map(t => ({
        type: t.type, meta: t.meta || null, name: t.name, visible: t.visible,
        ids: t.customdata ? Array.from(t.customdata) : [],
        locations: t.locations ? Array.from(t.locations) : [],
    }));
}"""
TRACES = 10  # units, districts, 3 camera statuses, cones, reports, sensors, incident halo+core
FILLED_JS = f"() => {{ const d = ({FIGURE_JS})(); return d !== null && d.length === {TRACES}; }}"
