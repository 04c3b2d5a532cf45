"""Page ``/thay-doi``: the review queue of scene changes the cameras found.

Pending change candidates of the reader's units, oldest first; the one in view shows its
before/after pictures side by side and, on the map, the camera and its view cone (a camera
without a heading shows its point only, and the page says so). An operator marks it a new
construction, a forest clearing, a known project (its permit number required) or nothing;
the verdict is kept with who and when. A change found to be a construction or a clearing
then waits under "confirmed" for its case to be opened (:mod:`ioc.pages.cases` follows it).
Verdicts teach the detector nothing: its thresholds stay in the camera settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store, web_client
from ioc.auth.guard import row_id_or_none
from ioc.i18n import language_or_default, t
from ioc.pages.access import denied, viewer
from ioc.pages.case_views import fingerprint, kind_options
from ioc.pages.overview_map import base_layout, empty_figure
from ioc.pages.panels import data_attrs, empty, simulated_badge
from ioc.pages.states import failed, loading, reason
from ioc.pages.unit_views import snapshot_url
from ioc.store.models import Camera
from ioc.store.models_violations import ChangeCandidate
from ioc.timeutil import format_local, utcnow
from ioc.violations.actions import HANDLING_ROLES, open_case_as, review_as
from ioc.violations.queries import (
    awaiting_case,
    cases_by_origin,
    pending_candidates,
    recent_reviewed,
)
from ioc.violations.steps import CASE_VERDICTS, KINDS, VERDICTS
from layers.cameras import cone_ring

MAP_ZOOM = 12  # the drawn cone (2.5 km) fits the map's 320 px


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app``)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path="/thay-doi",
        layout=layout,
        title=t("page.changes", lang),
        name=t("page.changes", lang),
    )


def controls(lang: str) -> html.Section:
    """The verdict buttons, the permit number and the note (fixed ids; hidden for readers)."""
    return html.Section(
        [
            html.H3(t("changes.verdict_heading", lang), className="reports-decision-title"),
            html.Div(
                [
                    html.Button(
                        t(f"changes.verdict.{v}", lang),
                        n_clicks=0,
                        id={"type": "changes-verdict", "verdict": v},
                        className=f"reports-action changes-verdict changes-verdict-{v}",
                    )
                    for v in VERDICTS
                ],
                className="changes-verdicts",
            ),
            html.Label(
                [html.Span(t("changes.permit", lang)), dcc.Input(id="changes-permit", type="text")],
                className="cases-field",
            ),
            html.Label(
                [
                    html.Span(t("changes.note", lang)),
                    dcc.Textarea(id="changes-note", className="reports-decision-note"),
                ],
                className="cases-field",
            ),
        ],
        id="changes-controls",
        className="reports-decision changes-controls",
        hidden=True,
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The skeleton; the first refresh fills the queue (no store read here)."""
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    kinds = kind_options(lang)
    return html.Div(
        [
            html.H2(t("changes.queue", lang), className="reports-heading"),
            html.Div(id="changes-message", role="status", className="reports-message"),
            html.Div(
                [
                    html.Div(loading(lang), id="changes-queue", className="changes-queue"),
                    html.Div(
                        [
                            html.Div(id="changes-detail"),
                            dcc.Graph(
                                id="changes-map",
                                figure=empty_figure(),
                                className="changes-map",
                                config={"displayModeBar": False, "scrollZoom": True},
                            ),
                            html.P(id="changes-map-note", className="changes-map-note"),
                            controls(lang),
                        ],
                        className="changes-view",
                    ),
                ],
                className="changes-grid",
            ),
            html.H2(t("changes.awaiting", lang), className="reports-heading"),
            html.Div(
                [
                    html.Label(
                        [
                            html.Span(t("changes.kind", lang)),
                            dcc.Dropdown(id="changes-kind", options=kinds, value=None),
                        ],
                        className="cases-field",
                    )
                ],
                id="changes-kind-wrap",
                hidden=True,
            ),
            html.Div(id="changes-awaiting"),
            html.H2(t("changes.recent", lang), className="reports-heading"),
            html.Div(id="changes-recent"),
            dcc.Interval(id="changes-interval", interval=refresh_ms),
            dcc.Store(id="changes-selected", data=None),
            dcc.Store(id="changes-shown", data=None),
            dcc.Store(id="changes-version", data=None),
            dcc.Store(id="changes-changed", data=0),
        ],
        className="reports changes",
    )


def picture(path: str, label: str, ident: str) -> html.Figure:
    return html.Figure(
        [
            html.Img(src=snapshot_url(path), alt=label, className="changes-img", id=ident),
            html.Figcaption(label),
        ],
        className="changes-picture",
    )


def detail(row: ChangeCandidate, camera: Camera | None, lang: str) -> html.Div:
    """Before and after side by side, with what the detector says about the change."""
    name = camera.name if camera else row.camera_id
    facts = [
        t("changes.camera", lang, name=name),
        t("changes.preset", lang, preset=row.preset) if row.preset else "",
        t("changes.area", lang, pct=f"{row.area_frac * 100:.1f}", score=f"{row.score:.2f}"),
        t(f"changes.hint.{row.hint}", lang),
    ]
    before = t(
        "changes.before", lang, date=format_local(row.before_t, "%d/%m/%Y"), days=row.reference_days
    )
    after = t("changes.after", lang, date=format_local(row.after_t, "%d/%m/%Y"))
    return html.Div(
        [
            html.H3(
                [f"#{row.id} ", simulated_badge(lang) if row.simulated else None],
                className="changes-title",
            ),
            html.Div(
                [
                    picture(row.before_path, before, "changes-before"),
                    picture(row.after_path, after, "changes-after"),
                ],
                className="changes-pair",
            ),
            html.P(" · ".join(f for f in facts if f), className="changes-facts"),
        ],
        **data_attrs(candidate_id=row.id),
    )


def camera_map(camera: Camera | None, lang: str) -> tuple[Any, str]:
    """The camera's point and view cone on the dark map, and a note when something lacks."""
    if camera is None:
        return empty_figure(), t("changes.no_camera", lang)
    traces: list[Any] = []
    note = ""
    centre = (camera.lon, camera.lat)
    if camera.direction_deg is not None and camera.fov_deg is not None:
        ring = cone_ring(camera.lon, camera.lat, camera.direction_deg, camera.fov_deg)
        centre = (sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring))
        traces.append(
            go.Scattermap(
                lon=[x for x, _ in ring],
                lat=[y for _, y in ring],
                mode="lines",
                fill="toself",
                fillcolor="rgba(56, 189, 248, 0.22)",
                line={"color": "#7dd3fc", "width": 2},
                hoverinfo="skip",
                name="cone",
                uid="changes-cone",
            )
        )
    else:
        note = t("changes.no_heading", lang)
    traces.append(
        go.Scattermap(
            lon=[camera.lon],
            lat=[camera.lat],
            mode="markers",
            text=[camera.name],
            hovertemplate="%{text}<extra></extra>",
            marker={"size": 16, "color": "#f59e0b"},
            name=camera.name,
            uid="changes-camera",
        )
    )
    figure = go.Figure(traces, layout=base_layout(legend=False))
    figure.update_layout(
        map={"center": {"lon": centre[0], "lat": centre[1]}, "zoom": MAP_ZOOM},
        uirevision=f"changes-{camera.id}",
    )
    return figure, note


def queue_list(rows: Sequence[ChangeCandidate], shown: int | None, lang: str) -> Any:
    if not rows:
        return empty(t("changes.empty", lang))
    items = []
    for row in rows:
        label = f"#{row.id} · {row.camera_id} · {format_local(row.after_t, '%d/%m/%Y')}"
        items.append(
            html.Li(
                html.Button(
                    [label, simulated_badge(lang) if row.simulated else None],
                    id={"type": "changes-pick", "candidate": row.id},
                    n_clicks=0,
                    className="changes-pick" + (" changes-pick-on" if row.id == shown else ""),
                ),
                **data_attrs(candidate_id=row.id),
            )
        )
    return html.Ul(items, className="changes-list")


def awaiting_list(rows: Sequence[ChangeCandidate], handler: bool, lang: str) -> Any:
    if not rows:
        return empty(t("changes.awaiting_empty", lang))
    items = []
    for row in rows:
        text = f"#{row.id} · {row.camera_id} · {t(f'changes.verdict.{row.verdict}', lang)}"
        button = (
            html.Button(
                t("changes.open_case", lang),
                id={"type": "changes-open", "candidate": row.id},
                n_clicks=0,
                className="reports-action changes-open",
            )
            if handler
            else None
        )
        items.append(html.Li([html.Span(text), button], **data_attrs(candidate_id=row.id)))
    return html.Ul(items, className="changes-list changes-awaiting")


def recent_list(rows: Sequence[ChangeCandidate], led_to: Mapping[int, int], lang: str) -> Any:
    """The verdicts kept, with who and when, and the case each led to."""
    if not rows:
        return empty(t("changes.recent_empty", lang))
    items = []
    for row in rows:
        verdict = t(f"changes.verdict.{row.verdict}", lang)
        parts: list[Any] = [
            t(
                "changes.reviewed_by",
                lang,
                id=row.id,
                verdict=verdict,
                who=row.reviewer or "",
                time=format_local(row.reviewed_at, "%H:%M %d/%m/%Y"),
            )
        ]
        if row.permit_no:
            parts.append(" · " + t("changes.permit_shown", lang, permit=row.permit_no))
        case_id = led_to.get(row.id)
        if case_id is not None:
            parts.append(
                dcc.Link(
                    t("changes.led_to", lang, id=case_id),
                    href="/vu-viec",
                    className="changes-case-link",
                )
            )
        items.append(html.Li(parts, **data_attrs(candidate_id=row.id, case_id=case_id or "")))
    return html.Ul(items, className="changes-list changes-recent")


def refresh_view(
    selected: Any, shown_before: Any, lang: str, version_before: Any = None
) -> dict[str, Any]:
    """Everything the page shows for the signed-in principal (``refresh`` without Dash);
    nothing is sent again while nothing changed (a list rebuilt under a finger loses its
    click)."""
    skip = dash.no_update
    principal = viewer()
    if principal is None:
        return {
            "queue": denied(lang),
            "detail": None,
            "awaiting": None,
            "recent": None,
            "controls_hidden": True,
            "kind_hidden": True,
            "shown": None,
            "version": None,
        }
    within = principal.units
    with current_store().session() as session:
        pending = pending_candidates(session, within)
        waiting = awaiting_case(session, within)
        recent = recent_reviewed(session, within)
        led_to = cases_by_origin(session, "candidate", [r.id for r in recent])
        wanted = row_id_or_none(selected)
        shown = next((r for r in pending if r.id == wanted), pending[0] if pending else None)
        camera = session.get(Camera, shown.camera_id) if shown else None
        view = detail(shown, camera, lang) if shown else None
    handler = principal.role in HANDLING_ROLES
    shown_id = shown.id if shown else None
    version = fingerprint(
        lang,
        principal.name,
        handler,
        shown_id,
        [r.id for r in pending],
        [r.id for r in waiting],
        [(r.id, led_to.get(r.id)) for r in recent],
    )
    if version == version_before:
        return dict.fromkeys(REFRESHED, skip)
    return {
        "queue": queue_list(pending, shown_id, lang),
        "detail": view,
        "awaiting": awaiting_list(waiting, handler, lang),
        "recent": recent_list(recent, led_to, lang),
        "controls_hidden": not (handler and shown is not None),
        "kind_hidden": not (handler and waiting),
        "shown": skip if shown_id == shown_before else shown_id,
        "version": version,
    }


REFRESHED = (
    "queue",
    "detail",
    "awaiting",
    "recent",
    "controls_hidden",
    "kind_hidden",
    "shown",
    "version",
)


@callback(
    output={
        "queue": Output("changes-queue", "children"),
        "detail": Output("changes-detail", "children"),
        "awaiting": Output("changes-awaiting", "children"),
        "recent": Output("changes-recent", "children"),
        "controls_hidden": Output("changes-controls", "hidden"),
        "kind_hidden": Output("changes-kind-wrap", "hidden"),
        "shown": Output("changes-shown", "data"),
        "version": Output("changes-version", "data"),
    },
    inputs={
        "_n": Input("changes-interval", "n_intervals"),
        "_changed": Input("changes-changed", "data"),
        "selected": Input("changes-selected", "data"),
        "shown": State("changes-shown", "data"),
        "version": State("changes-version", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
)
def refresh(
    *, _n: int | None, _changed: int | None, selected: Any, shown: Any, version: Any, lang: Any
) -> dict[str, Any]:
    """Rebuild the queue and the candidate in view (timer, a verdict, a pick)."""
    language = language_or_default(lang)
    try:
        return refresh_view(selected, shown, language, version)
    except SQLAlchemyError as exc:  # the timer tries again
        return {
            **dict.fromkeys(REFRESHED, dash.no_update),
            "queue": failed(exc, language),
            "version": None,
        }


@callback(
    output={
        "figure": Output("changes-map", "figure"),
        "note": Output("changes-map-note", "children"),
    },
    inputs={"shown": Input("changes-shown", "data"), "lang": State(LANG_STORE_ID, "data")},
    prevent_initial_call=True,
)
def show_camera(shown: Any, lang: str | None) -> dict[str, Any]:
    """The map of the candidate in view: drawn again only when another one comes into view."""
    language = language_or_default(lang)
    principal = viewer()
    wanted = row_id_or_none(shown)
    if principal is None or wanted is None:
        return {"figure": empty_figure(), "note": ""}
    with current_store().session() as session:
        row = session.get(ChangeCandidate, wanted)
        if row is None or not principal.sees_unit(row.unit_code):
            return {"figure": empty_figure(), "note": ""}
        camera = session.scalar(select(Camera).where(Camera.id == row.camera_id))
        figure, note = camera_map(camera, language)
    return {"figure": figure, "note": note}


@callback(
    output={"selected": Output("changes-selected", "data")},
    inputs={"_clicks": Input({"type": "changes-pick", "candidate": ALL}, "n_clicks")},
    prevent_initial_call=True,
)
def pick(_clicks: list[int | None]) -> dict[str, Any]:
    """A candidate of the queue was picked: bring it into view."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
        return {"selected": dash.no_update}
    return {"selected": row_id_or_none(trigger.get("candidate"))}


@callback(
    output={
        "changed": Output("changes-changed", "data"),
        "message": Output("changes-message", "children"),
        "permit": Output("changes-permit", "value"),
        "note": Output("changes-note", "value"),
    },
    inputs={
        "_clicks": Input({"type": "changes-verdict", "verdict": ALL}, "n_clicks"),
        "shown": State("changes-shown", "data"),
        "permit": State("changes-permit", "value"),
        "note": State("changes-note", "value"),
        "changed": State("changes-changed", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def mark(
    _clicks: list[int | None], shown: Any, permit: Any, note: Any, changed: Any, lang: Any
) -> dict[str, Any]:
    """A verdict button: keep the verdict on the candidate in view (checked again)."""
    skip = dash.no_update
    nothing = {"changed": skip, "message": skip, "permit": skip, "note": skip}
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
        return nothing
    language = language_or_default(lang)
    candidate_id, verdict = row_id_or_none(shown), trigger.get("verdict")
    if candidate_id is None or verdict not in VERDICTS:
        return {**nothing, "message": denied(language)}
    try:
        error = review_as(
            current_store(),
            viewer(),
            candidate_id,
            str(verdict),
            permit_no=permit if isinstance(permit, str) else "",
            note=note if isinstance(note, str) else "",
            now=utcnow(),
            client=web_client(),
        )
    except SQLAlchemyError as exc:
        why = reason(exc, language)
        return {**nothing, "message": t("changes.failed", language, id=candidate_id, reason=why)}
    if error is not None:
        why = t(f"case.error.{error}", language)
        return {**nothing, "message": t("changes.failed", language, id=candidate_id, reason=why)}
    done = t(
        "changes.done", language, id=candidate_id, verdict=t(f"changes.verdict.{verdict}", language)
    )
    return {"changed": (changed or 0) + 1, "message": done, "permit": "", "note": ""}


@callback(
    output={
        "changed": Output("changes-changed", "data", allow_duplicate=True),
        "message": Output("changes-message", "children", allow_duplicate=True),
    },
    inputs={
        "_clicks": Input({"type": "changes-open", "candidate": ALL}, "n_clicks"),
        "kind": State("changes-kind", "value"),
        "changed": State("changes-changed", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def open_case(_clicks: list[int | None], kind: Any, changed: Any, lang: Any) -> dict[str, Any]:
    """Open a case from a confirmed change; its kind from the dropdown, else from the verdict."""
    skip = dash.no_update
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
        return {"changed": skip, "message": skip}
    language = language_or_default(lang)
    candidate_id = row_id_or_none(trigger.get("candidate"))
    if candidate_id is None:
        return {"changed": skip, "message": denied(language)}
    try:
        chosen = kind if kind in KINDS else default_kind(candidate_id)
        case_id, error = open_case_as(
            current_store(),
            viewer(),
            "candidate",
            candidate_id,
            chosen,
            now=utcnow(),
            client=web_client(),
        )
    except SQLAlchemyError as exc:
        why = reason(exc, language)
        return {
            "changed": skip,
            "message": t("changes.failed", language, id=candidate_id, reason=why),
        }
    if error is not None:
        why = t(f"case.error.{error}", language)
        return {
            "changed": skip,
            "message": t("changes.failed", language, id=candidate_id, reason=why),
        }
    done = t("changes.opened", language, id=candidate_id, case=case_id)
    return {"changed": (changed or 0) + 1, "message": done}


def default_kind(candidate_id: int) -> str:
    """The case kind a candidate's verdict suggests (``other`` when it suggests none)."""
    with current_store().session() as session:
        verdict = session.scalar(
            select(ChangeCandidate.verdict).where(ChangeCandidate.id == candidate_id)
        )
    return CASE_VERDICTS.get(verdict or "", "other")
