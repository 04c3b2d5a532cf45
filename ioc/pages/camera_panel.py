"""The camera part of the overview's side panel: status counters and the alarm list.

Pure functions from ``ioc.store.cameras.CameraState`` values to Dash components.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from dash import html

from ioc.camera_status import CameraStatus
from ioc.i18n import t
from ioc.pages.panels import data_attrs, simulated_badge
from ioc.store.cameras import CameraState
from ioc.timeutil import format_local

MAX_ALARM_ITEMS = 3


def counts(states: Sequence[CameraState]) -> dict[CameraStatus, int]:
    return {status: sum(s.status is status for s in states) for status in CameraStatus}


def alarm_items(
    states: Sequence[CameraState], names: Mapping[str, str], lang: str, limit: int = MAX_ALARM_ITEMS
) -> Any:
    """The cameras in alarm, newest detection first, or the empty-state text."""
    alarms = sorted(
        (s for s in states if s.status is CameraStatus.ALARM),
        key=lambda s: s.last_detection_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    if not alarms:
        return html.P(t("overview.no_alarms", lang), className="overview-empty")
    items = [
        html.Li(
            [
                html.Span(state.name, className="overview-alarm-name"),
                simulated_badge(lang) if state.simulated else None,
                html.Span(
                    " · ".join(
                        part
                        for part in (
                            names.get(state.unit_code or "", ""),
                            format_local(state.last_detection_at, "%H:%M:%S"),
                        )
                        if part
                    ),
                    className="overview-alarm-unit",
                ),
            ],
            className="overview-alarm-item",
            **data_attrs(camera_id=state.id),
        )
        for state in alarms[:limit]
    ]
    if len(alarms) > limit:
        more = t("overview.more_alarms", lang, count=len(alarms) - limit)
        items.append(html.Li(more, className="overview-alarm-more"))
    return html.Ul(items, className="overview-alarm-list")


def status_items(states: Sequence[CameraState]) -> list[Any]:
    """Each camera's status as a list item, for tests and screen readers."""
    return [
        html.Li(state.name, **data_attrs(camera_id=state.id, status=state.status.value))
        for state in states
    ]


def counter(status: CameraStatus, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div("–", id=f"overview-count-{status.value}", className="overview-number"),
            html.Div(t(f"overview.count.{status.value}", lang), className="overview-count-label"),
        ],
        className=f"overview-counter overview-counter-{status.value}",
    )
