"""A simulated field officer for the demo: acknowledges new incidents after a plausible
delay (30 s to 3 min), dispatches a team, and closes some as resolved or false alarm.

Everything goes through :func:`ioc.incidents.actions.apply_action`, as a real officer's
presses do; the audit trail names ``Cán bộ mô phỏng`` and the client ``simulator``. It
leaves alone every incident a person has touched (any event by an actor other than itself
or the incidents worker), so it never races someone working on it, and it does not run at
all with ``simulator.field_officer = false``.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, select

from ioc.config import Settings
from ioc.incidents.actions import apply_action
from ioc.incidents.audit import SYSTEM
from ioc.runtime import Task
from ioc.store import Store, open_store
from ioc.store.models import Incident
from ioc.store.models_incidents import IncidentEvent
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

ACTOR = "Cán bộ mô phỏng"
NEXT = {"new": "acknowledge", "acknowledged": "dispatch", "dispatched": "resolve"}


def due_step(incident: Incident, now: datetime, rng: random.Random) -> str | None:
    """The officer's next action on an incident, if its (random) delay has passed."""
    action = NEXT.get(incident.status)
    if action is None:
        return None
    waited = now - incident.updated_at
    if waited < timedelta(seconds=rng.uniform(30, 180)):
        return None
    if action == "resolve" and rng.random() < 0.25:
        return "false_alarm"
    return action


def touched_by_a_person() -> ColumnElement[bool]:
    """True for incidents with an event by someone other than this officer or the worker."""
    return exists().where(
        IncidentEvent.incident_id == Incident.id, IncidentEvent.actor.not_in([ACTOR, SYSTEM])
    )


def act_once(store: Store, rng: random.Random, now: datetime) -> int:
    """Take every due step on open incidents; the number of actions taken."""
    taken = 0
    with store.session() as session:
        rows = session.scalars(
            select(Incident)
            .where(Incident.status.in_(list(NEXT)), ~touched_by_a_person())
            .limit(50)
        ).all()
        for incident in rows:
            action = due_step(incident, now, rng)
            if action is None:
                continue
            note = "Đã đến hiện trường" if action == "resolve" else ""
            result = apply_action(
                session,
                incident.id,
                action,
                ACTOR,
                note,
                "simulator",
                now,
                assignee="Tổ kiểm lâm cơ động" if action == "dispatch" else None,
            )
            taken += int(result.ok)
    return taken


def field_officer_task(settings: Settings, seed: int = 68) -> Task:
    """An orchestrator task that plays the field officer every few seconds."""

    def run(stop: threading.Event) -> None:
        store = open_store(settings.database_url)
        rng = random.Random(seed)
        try:
            while not stop.wait(5):
                try:
                    act_once(store, rng, utcnow())
                except Exception:
                    log.exception("simulated field officer failed; trying again")
        finally:
            store.dispose()

    return run
