"""Acting on incidents from ``/unit/<code>`` in a real Chromium: an operator dispatches an
incident to a chosen field officer, who finds it first on a phone-sized ``/field``; a false
alarm needs its reason. The dispatch queues a notice to the unit's subscriptions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ioc.auth.accounts import set_team
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.notify.subscriptions import SubscriptionSpec, add_subscription
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Incident
from ioc.store.models_incidents import NotificationDelivery
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.auth_support import add_account
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage, watch
from tests.incidents_support import add_incident

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
OFFICER = "field.w3"  # the account live.sign_in makes for Role.FIELD in W3


@dataclass
class Desk:
    store: Store
    live: LiveServer
    dispatched: int  # the incident the operator dispatches
    other: int  # a worse incident of the same unit, opened later
    elsewhere: int  # an incident of another unit


@pytest.fixture
def desk_site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Iterator[Desk]:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    now = utcnow()
    seed(store, now)
    dispatched = add_incident(
        store,
        now - timedelta(minutes=9),
        title="Khói ở Langbiang",
        unit_code="W3",
        severity="medium",
        lon=108.44,
        lat=12.15,
    )
    other = add_incident(
        store,
        now - timedelta(minutes=2),
        title="Cháy rừng thông",
        unit_code="W3",
        severity="critical",
        simulated=True,
        lon=108.55,
        lat=12.25,
    )
    elsewhere = add_incident(
        store,
        now - timedelta(minutes=5),
        title="Khói Xuân Hương",
        unit_code="W1",
        lon=108.44,
        lat=11.94,
    )
    add_account(store, Role.FIELD, "W3", username=OFFICER)
    add_account(store, Role.FIELD, "W3", username="canbo.rung")
    add_account(store, Role.FIELD, "W1", username="canbo.w1")
    with store.session() as session:
        set_team(session, "canbo.rung", "Rừng 1")
        add_subscription(session, SubscriptionSpec("mqtt", unit_code="W3"))
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    yield Desk(store, serve(create_app(settings, store).server), dispatched, other, elsewhere)
    store.dispose()


def open_desk(page: Any, incident_id: int) -> None:
    row = page.locator(f"#unit-incidents [data-incident-id='{incident_id}']")
    row.get_by_role("button", name="Xử lý").click()
    page.wait_for_selector("#unit-desk:not([hidden])", timeout=10_000)


def test_operator_dispatches_from_the_unit_page_to_a_chosen_officer(
    desk_site: Desk, watched_page: WatchedPage, browser: Any
) -> None:
    watched_page.sign_in(desk_site.live, Role.OPERATOR, "W3")
    page = watched_page.page
    page.goto(desk_site.live.url + "/unit/W3")
    page.wait_for_selector("#unit-incidents .ioc-desk-open", timeout=15_000)
    assert "Khói Xuân Hương" not in page.inner_text("#unit-incidents")
    marked = page.locator("#unit-incidents .ioc-simulated").all_inner_texts()
    assert marked == ["mô phỏng"]  # only the simulated incident says so
    open_desk(page, desk_site.dispatched)
    assert "Khói ở Langbiang" in page.inner_text("#unit-desk-title")
    page.click("#unit-desk-assignee")
    options = page.locator(".dash-dropdown-option")
    options.first.wait_for(timeout=5_000)
    names = options.all_inner_texts()
    assert "Đội Rừng 1" in names and OFFICER in names and "canbo.w1" not in names
    options.filter(has_text=OFFICER).click()
    page.click("#unit-desk-dispatch")
    page.wait_for_function(
        "() => document.querySelector('#unit-desk-status').innerText.includes('Đã ghi nhận')",
        timeout=10_000,
    )
    with desk_site.store.session() as session:
        incident = session.get(Incident, desk_site.dispatched)
        assert incident is not None
        assert (incident.status, incident.assignee) == ("dispatched", OFFICER)
        notice = session.scalars(select(NotificationDelivery)).one()
        assert notice.reason == "dispatch" and notice.status == "pending"
        assert notice.payload is not None and notice.payload["assignee"] == OFFICER

    # A false alarm is refused without its reason, then recorded with it.
    open_desk(page, desk_site.other)
    page.click("#unit-desk-false_alarm")
    page.wait_for_function(
        "() => document.querySelector('#unit-desk-status').innerText.includes('lý do')",
        timeout=10_000,
    )
    page.fill("#unit-desk-note", "Khói đốt rẫy có phép")
    page.click("#unit-desk-false_alarm")
    page.wait_for_function(
        "() => document.querySelector('#unit-desk-status').innerText.includes('Đã ghi nhận')",
        timeout=10_000,
    )
    with desk_site.store.session() as session:
        other = session.get(Incident, desk_site.other)
        assert other is not None and other.status == "false_alarm"
    assert not watched_page.problems()

    # The chosen officer, on a phone, finds the dispatched incident first.
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        desk_site.live.sign_in(context, Role.FIELD, "W3")
        phone = watch(context.new_page(), desk_site.live.url)
        phone.page.goto(desk_site.live.url + "/field")
        first = phone.page.locator(".field-card").first
        first.wait_for(timeout=15_000)
        assert first.get_attribute("id") == f"field-card-{desk_site.dispatched}"
        assert f"Người xử lý: {OFFICER}" in first.inner_text()
        width = phone.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        assert not phone.problems()
    finally:
        context.close()
