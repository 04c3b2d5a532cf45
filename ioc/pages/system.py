"""Page ``/system``: is the data flowing? Each worker's counters, recent rejects by reason.

Operators can tell "no alert" from "nothing arrives": the ingest workers' counters (the
same numbers as ``/metrics``), how long ago each worker reported, which camera worker
(shard) analyses which cameras, what the dead-letter table received in the last 24
hours, by reason, and each pull connector's source with its newest dead letters.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import dash
from dash import Input, Output, callback, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import province_wide
from ioc.connectors import state as connectors
from ioc.i18n import language_or_default, t
from ioc.pages.access import province_only, viewer
from ioc.pages.states import failed, loading
from ioc.store.models import DeadLetter, WorkerStat
from ioc.store.models_connectors import ConnectorDeadLetter, ConnectorSource
from ioc.store.worker_stats import all_stats
from ioc.timeutil import format_local, utcnow

COUNTERS = ("received", "stored", "duplicates", "readings", "db_errors", "lag_seconds")
CAMERA_KEY = "camera."  # a camera worker's per-camera counters (camera.worker_stats)
STALE_AFTER_S = 60


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app`` before it adopts callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path="/system",
        layout=layout,
        title=t("page.system", lang),
        name=t("page.system", lang),
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    lang = language_or_default(lang)
    refresh_ms = int(current_settings().web.refresh_s * 2000)
    return html.Div(
        [
            html.H2(t("system.heading", lang), className="reports-heading"),
            html.Div(loading(lang), id="system-workers"),
            html.H2(t("system.cameras_heading", lang), className="reports-heading"),
            html.Div(id="system-camera-workers"),
            html.H2(t("system.rejects", lang), className="reports-heading"),
            html.Div(id="system-rejects"),
            html.H2(t("system.connectors_heading", lang), className="reports-heading"),
            html.Div(id="system-connectors"),
            dcc.Interval(id="system-interval", interval=refresh_ms),
        ],
        className="reports system",
    )


def worker_table(rows: list[WorkerStat], now: datetime, lang: str) -> html.Table | html.P:
    """One row per worker: its role, how long ago it reported, and its counters."""
    if not rows:
        return html.P(t("system.no_workers", lang), className="reports-empty")
    head = [t("system.col.worker", lang), t("system.col.age", lang)]
    head += [t(f"system.counter.{name}", lang) for name in COUNTERS]
    body = []
    for row in rows:
        age = (now - row.updated_at).total_seconds()
        cells = [
            html.Td(f"{row.role} · {row.worker_id}"),
            html.Td(
                t("system.age", lang, seconds=f"{age:.0f}"),
                className="reports-overdue" if age > STALE_AFTER_S else "",
            ),
        ]
        cells += [html.Td(f"{row.counters.get(name, 0):g}") for name in COUNTERS]
        body.append(html.Tr(cells))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="reports-table",
        id="system-worker-table",
    )


def camera_worker_table(rows: list[WorkerStat], now: datetime, lang: str) -> html.Table | html.P:
    """One row per camera worker: its shard, its cameras and the frames it analysed."""
    if not rows:
        return html.P(t("system.no_camera_workers", lang), className="reports-empty")
    keys = ("system.col.worker", "system.col.age", "system.col.shard")
    head = [t(key, lang) for key in (*keys, "system.col.analysed", "system.col.cameras")]
    body = []
    for row in rows:
        age = (now - row.updated_at).total_seconds()
        counters = row.counters
        cameras = sorted(k.removeprefix(CAMERA_KEY) for k in counters if k.startswith(CAMERA_KEY))
        shard = f"{counters.get('shard_index', 0):g}/{counters.get('shard_count', 1):g}"
        if counters.get("lease_mode"):
            shard = t("system.lease_mode", lang)
        cells = [
            html.Td(row.worker_id),
            html.Td(
                t("system.age", lang, seconds=f"{age:.0f}"),
                className="reports-overdue" if age > STALE_AFTER_S else "",
            ),
            html.Td(shard),
            html.Td(f"{counters.get('analysed', 0):g}"),
            html.Td(f"{len(cameras)}: {', '.join(cameras)}"),
        ]
        body.append(html.Tr(cells))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="reports-table",
        id="system-camera-table",
    )


def reject_table(counts: list[tuple[str, int]], lang: str) -> html.Table | html.P:
    if not counts:
        return html.P(t("system.no_rejects", lang), className="reports-empty")
    head = html.Tr([html.Th(t("system.col.reason", lang)), html.Th(t("system.col.count", lang))])
    body = [html.Tr([html.Td(reason), html.Td(str(count))]) for reason, count in counts]
    return html.Table(
        [html.Thead(head), html.Tbody(body)], className="reports-table", id="system-reject-table"
    )


def reject_counts(since: datetime) -> list[tuple[str, int]]:
    """Dead letters since ``since`` by reason code (the text before the first colon)."""
    with current_store().session() as session:
        reasons = session.scalars(
            select(DeadLetter.reason).where(DeadLetter.received_at >= since).limit(100_000)
        ).all()
    tally: dict[str, int] = {}
    for reason in reasons:
        code = reason.split(":", 1)[0]
        tally[code] = tally.get(code, 0) + 1
    return sorted(tally.items(), key=lambda item: (-item[1], item[0]))


def connector_table(
    rows: list[ConnectorSource], letters: list[ConnectorDeadLetter], lang: str
) -> html.Div | html.P:
    """Each connector source's cursor, counters and last error, then its newest dead letters."""
    if not rows:
        return html.P(t("system.no_connectors", lang), className="reports-empty")
    keys = ("source", "cursor", "stored", "dead_letters", "last_ok", "last_error")
    head = html.Tr([html.Th(t(f"system.col.{key}", lang)) for key in keys])
    body = [
        html.Tr(
            [
                html.Td(row.name),
                html.Td(row.cursor or "—"),
                html.Td(str(row.stored)),
                html.Td(str(row.dead_lettered)),
                html.Td(format_local(row.last_ok_at) or t("system.never", lang)),
                html.Td(row.last_error, className="reports-overdue" if row.last_error else ""),
            ]
        )
        for row in rows
    ]
    parts: list[Any] = [
        html.Table(
            [html.Thead(head), html.Tbody(body)],
            className="reports-table",
            id="system-connector-table",
        )
    ]
    if letters:
        parts.append(html.H3(t("system.connector_letters", lang)))
        columns = ("received", "source", "record", "reason")
        parts.append(
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(t(f"system.col.{c}", lang)) for c in columns])),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(format_local(letter.received_at)),
                                    html.Td(letter.source),
                                    html.Td(letter.record_id),
                                    html.Td(letter.reason),
                                ]
                            )
                            for letter in letters
                        ]
                    ),
                ],
                className="reports-table",
                id="system-connector-letters",
            )
        )
    return html.Div(parts)


@callback(
    output={
        "workers": Output("system-workers", "children"),
        "cameras": Output("system-camera-workers", "children"),
        "rejects": Output("system-rejects", "children"),
        "connectors": Output("system-connectors", "children"),
    },
    inputs=[Input("system-interval", "n_intervals"), Input(LANG_STORE_ID, "data")],
)
def refresh(_tick: int | None, lang: str | None) -> dict[str, Any]:
    """The tables, fresh from the store."""
    lang = language_or_default(lang)
    if not province_wide(viewer()):
        return {
            "workers": province_only(lang),
            "cameras": None,
            "rejects": None,
            "connectors": None,
        }
    now = utcnow()
    store = current_store()
    try:
        with store.session() as session:
            workers = list(all_stats(session, now))
        rejects = reject_counts(now - timedelta(hours=24))
        sources = connectors.source_rows(store)
        letters = connectors.dead_letters(store, None, 10)
    except SQLAlchemyError as exc:  # the timer tries again; old counters would mislead
        return {"workers": failed(exc, lang), "cameras": None, "rejects": None, "connectors": None}
    ingest = [w for w in workers if w.role != "cameras"]
    cameras = [w for w in workers if w.role == "cameras"]
    return {
        "workers": worker_table(ingest, now, lang),
        "cameras": camera_worker_table(cameras, now, lang),
        "rejects": reject_table(rejects, lang),
        "connectors": connector_table(sources, letters, lang),
    }
