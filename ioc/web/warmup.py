"""Work a new web process does once as it starts, so that its first pages do not pay for it.

On first use plotly reads its validators (a large JSON file) and builds the classes of each
trace and layout part it meets; SQLAlchemy sets up its ORM mappers, compiles each statement
shape once and builds each query's row processor; the store's first connection sets up the
SQL dialect; the maps decode the unit boundaries. Together 0.2–0.5 s that the first map,
unit page or ranking a process drew used to carry: the slowest callbacks of
``bench/dashboard.py``, paid once per gunicorn worker. A serving process now pays them
before it takes requests (:func:`warm_server`; ``web.warm_up`` turns the page part off).
"""

from __future__ import annotations

import logging
import time

import plotly.graph_objects as go
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import configure_mappers

from ioc.app_context import SETTINGS_KEY, STORE_KEY
from ioc.auth.current import set_principal
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import Store
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

# Draws pages only (read-only): never signed in, never audited, never seen by a browser.
WARM_UP_PRINCIPAL = Principal("warm-up", Role.VIEWER)


def warm_plotly() -> None:
    """Build and serialise one figure with every trace type and layout part the pages use."""
    figure = go.Figure(
        [
            go.Choroplethmap(geojson={}, locations=[], z=[], showscale=True),
            go.Scattermap(lon=[], lat=[], mode="markers", marker={"size": 10}),
            go.Scatter(x=[], y=[], mode="lines+markers", line={"width": 2}),
        ]
    )
    figure.update_layout(
        template="none",
        map={"style": "white-bg", "center": {"lon": 108.4, "lat": 11.9}, "zoom": 8},
        xaxis={"type": "category", "gridcolor": "#1f3352"},
        yaxis={"gridcolor": "#1f3352"},
        legend={"orientation": "h", "y": -0.18},
        hoverlabel={"font": {"size": 20}},
        title={"text": "", "x": 0.01},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
    )
    figure.to_plotly_json()


def warm_process() -> None:
    """What every web process needs whatever its store: plotly and the ORM set up."""
    warm_plotly()
    configure_mappers()  # every model's attributes, once for the process


def warm_pages(server: Flask, settings: Settings) -> None:
    """Draw each page's first full refresh once, as a read-only province-wide viewer."""
    from ioc.app_context import current_store
    from ioc.pages import leader, map_data, overview, unit, wall
    from ioc.pages.kpi_cache import TREND_KINDS

    lang = settings.web.language
    with server.test_request_context("/"):
        set_principal(WARM_UP_PRINCIPAL)
        now = utcnow()
        overview.refresh_at(now, None, lang)
        wall.refresh_at(now, None, None, None, lang)
        for kind in TREND_KINDS:  # the three views a leader switches between
            leader.refresh_at(now, kind, "total", lang)
        with current_store().session() as session:
            areas = map_data.load_areas(session, map_data.local_today(now))
        if areas.current:
            unit.refresh_at(now, None, areas.current[0].code, lang)


def warm_server(server: Flask) -> None:
    """Called by a serving process just before it serves (never by a gunicorn master that
    forks afterwards: its connections would not be the workers'). A store that is down
    only gets a warning: the pages say so themselves, and the pool connects again later."""
    store: Store | None = server.config.get(STORE_KEY)
    settings: Settings | None = server.config.get(SETTINGS_KEY)
    if store is None or settings is None:
        return
    started = time.perf_counter()
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if settings.web.warm_up:
            warm_pages(server, settings)
    except SQLAlchemyError as exc:
        log.warning("store not reachable at start (%s); pages will retry", type(exc).__name__)
        return
    log.info("web process warmed up in %.2f s", time.perf_counter() - started)
