"""Page ``/ioc``: the province's network of operations centres and the state of each.

One row per IOC (the province's first, then the local ones, then the departments'): its
name linking to ``/ioc/<code>``, kind, opening date, the number of current units of its
area, when its area last sent data, its open incidents and overdue citizen reports, and
the public source it is known from. Linked from the overview's panel and the navigation,
so the wall itself keeps its room. Province-wide principals only (like the overview).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import province_wide
from ioc.i18n import language_or_default, t
from ioc.iocs.registry import list_iocs
from ioc.iocs.rows import KINDS
from ioc.iocs.state import IocState, network_state
from ioc.pages import map_data
from ioc.pages.access import province_only, viewer
from ioc.pages.panels import data_attrs, empty, updated_text
from ioc.timeutil import format_local, utcnow

PREFIX = "iocnet"
REFRESH_FACTOR = 10  # the list moves slowly: a tenth of the live pages' pace


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The skeleton; :func:`refresh` fills the table (no store read here)."""
    refresh_ms = int(current_settings().web.refresh_s * 1000 * REFRESH_FACTOR)
    return html.Div(
        [
            html.H2(t("iocs.title", lang), className="unit-title"),
            html.P(t("iocs.intro", lang), className="iocnet-intro"),
            html.Div(t("common.loading", lang), id=f"{PREFIX}-table"),
            html.P(id=f"{PREFIX}-updated", className="overview-updated"),
            dcc.Interval(id=f"{PREFIX}-interval", interval=refresh_ms),
        ],
        className="iocnet",
    )


@callback(
    output=dict(
        table=Output(f"{PREFIX}-table", "children"), updated=Output(f"{PREFIX}-updated", "children")
    ),
    inputs=dict(_n=Input(f"{PREFIX}-interval", "n_intervals"), lang=State(LANG_STORE_ID, "data")),
)
def refresh(_n: int | None, lang: str | None) -> dict[str, Any]:
    chosen = language_or_default(lang)
    try:
        return refresh_at(utcnow(), chosen)
    except SQLAlchemyError as exc:
        return {
            "table": dash.no_update,
            "updated": t("common.error", chosen, reason=type(exc).__name__),
        }


def refresh_at(now: datetime, lang: str) -> dict[str, Any]:
    """The table at ``now``; refused to principals bound to a unit or an IOC."""
    if not province_wide(viewer()):
        return {"table": province_only(lang), "updated": ""}
    with current_store().session() as session:
        states = network_state(session, list_iocs(session, map_data.local_today(now)), now)
    return {"table": network_table(states, lang), "updated": updated_text(now, lang)}


def _cell(text: str, missing: bool = False) -> html.Td:
    return html.Td(text, className="iocnet-missing" if missing else None)


def network_table(states: list[IocState], lang: str) -> Any:
    """The network as a table; empty states say what is missing, never 0 for "unknown"."""
    if not states:
        return empty(t("iocs.empty", lang))
    heads = ["name", "kind", "opened", "area", "last", "incidents", "overdue", "source"]
    rows = [_row(state, lang) for state in states]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(t(f"iocs.col.{h}", lang)) for h in heads])), html.Tbody(rows)],
        className="iocnet-table",
    )
    return html.Div(table, className="iocnet-table-wrap")  # scrolls sideways on a phone


def _row(state: IocState, lang: str) -> html.Tr:
    ioc = state.ioc
    last = state.last_data_at
    return html.Tr(
        [
            html.Td(dcc.Link(ioc.display_name(lang), href=f"/ioc/{ioc.code}")),
            _cell(t(f"iocs.kind.{ioc.kind}", lang) if ioc.kind in KINDS else ioc.kind),
            _cell(
                ioc.opened_on.strftime("%d/%m/%Y") if ioc.opened_on else t("iocs.no_date", lang),
                ioc.opened_on is None,
            ),
            _cell(str(len(ioc.area))),
            _cell(
                format_local(last, "%H:%M %d/%m/%Y") if last else t("iocs.no_data", lang),
                last is None,
            ),
            _cell(str(state.open_incidents)),
            _cell(str(state.overdue_reports)),
            html.Td(
                html.Div(ioc.source or t("iocs.no_source", lang), title=ioc.source),
                className="iocnet-source",
            ),
        ],
        className="iocnet-row",
        **data_attrs(ioc_code=ioc.code, kind=ioc.kind),
    )


def register(lang: str) -> None:
    """Add the page (called by ``create_app`` before it adopts the callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.ioc_network",
        path="/ioc",
        layout=layout,
        title=t("page.iocs", lang),
        name=t("page.iocs", lang),
    )
