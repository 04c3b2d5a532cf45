"""The demo's simulated field officer on a real store: it works through untouched incidents
and leaves alone any incident a person has touched; ``simulator.field_officer = false``
keeps it out of ``python app.py``."""

from __future__ import annotations

import random
from datetime import timedelta

from ioc.commands.start import demo_roles
from ioc.config import Settings
from ioc.incidents.actions import apply_action
from ioc.sim.field_officer import act_once
from ioc.store import Store
from ioc.store.models import Incident
from tests.incidents_support import T0, add_incident


def status(store: Store, incident_id: int) -> str:
    with store.session() as session:
        found = session.get(Incident, incident_id)
        assert found is not None
        return found.status


def test_the_simulated_officer_leaves_touched_incidents_alone(sqlite_store: Store) -> None:
    store = sqlite_store
    untouched = add_incident(store, T0, title="Khói A")
    touched = add_incident(store, T0, title="Khói B")
    with store.session() as session:  # a person notes it, leaving it "new"
        assert apply_action(session, touched, "note", "operator.672", "Đang xem", "web", T0).ok
    later = T0 + timedelta(minutes=10)
    assert act_once(store, random.Random(1), later) == 1
    assert status(store, untouched) == "acknowledged"
    assert status(store, touched) == "new"
    assert act_once(store, random.Random(1), later + timedelta(minutes=10)) == 1
    assert status(store, untouched) == "dispatched" and status(store, touched) == "new"


def test_the_simulated_officer_can_be_switched_off() -> None:
    off = demo_roles(Settings.model_validate({"simulator": {"field_officer": False}}), False)
    assert "field-officer" not in off and "simulator" in off
    assert "field-officer" in demo_roles(Settings(), False)
    assert "simulator" not in demo_roles(Settings(), True)
