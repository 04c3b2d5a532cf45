"""Every dashboard page on a phone (390×844) in a real Chromium: it renders, nothing is wider
than the screen or cut off at its right edge, the console stays clean, and what a thumb
presses is at least 44 px tall (the header everywhere; every button and link on /field and
/reports, the two pages people work in from a phone).

One server over one small seeded province serves all the pages; one browser context per
role (an administrator; field staff of W1 on /field) opens a fresh page per test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.reports.categories import seed_categories
from ioc.reports.intake import ReportIn, create_reports
from ioc.sim.dossier_history import backfill
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import to_local, utcnow
from ioc.web.app import create_app
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage, watch
from tests.incidents_support import add_incident
from tests.reports_support import HO_XUAN_HUONG

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
FIELD_UNIT = "W1"
# page → (path, its main content once the first data arrived, who opens it)
PAGES: dict[str, tuple[str, str, Role]] = {
    "overview": ("/", "#overview-camera-status li", Role.ADMIN),
    "unit": ("/unit/W1", "#unit-cameras .unit-camera", Role.ADMIN),
    "wall": ("/wall", "#wall-map .js-plotly-plot", Role.ADMIN),
    "leader": ("/leader", "#leader-table tbody tr", Role.ADMIN),
    "kpi": ("/kpi", "#kpi-ranking tbody tr", Role.ADMIN),
    "reports": ("/reports", ".reports-table tbody tr", Role.ADMIN),
    "field": ("/field", ".field-card .field-button", Role.FIELD),
    "system": ("/system", "#system-rejects .reports-empty", Role.ADMIN),
}
# Blocks that scroll sideways on purpose (wide tables, the row of page links) and the
# wall's news ticker, which slides in from the right.
SIDEWAYS = (
    ".shell-nav, .leader-table-wrap, div:has(> #kpi-ranking), #kpi-detail, .system > div,"
    " .wall-ticker"
)
# Boxes of the page that reach past the right edge outside those blocks: cut off or, when
# the document scrolls, making it scroll sideways. (Shapes inside a chart's <svg> are
# clipped by it, e.g. a tilted axis label: the <svg> itself is checked.)
CUT_OFF_JS = """(sideways) => {
    const edge = innerWidth + 1, found = [];
    for (const el of document.querySelectorAll('.shell *')) {
        if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= edge || el.closest(sideways)) continue;
        found.push(`${el.tagName}#${el.id}.${el.getAttribute("class")} right=${box.right}`);
    }
    return found.slice(0, 10);
}"""
# Buttons and links (and the language switch's labels) under ``root`` shorter than 44 px.
SMALL_TARGETS_JS = """(root) => {
    const found = [];
    for (const el of document.querySelectorAll(root)) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        if (box.height < 44) found.push(`${el.tagName} "${el.innerText.trim()}" ${box.height}px`);
    }
    return found.slice(0, 10);
}"""
HEADER_TARGETS = ".shell-header a, .shell-header button, .shell-lang label"
CONTENT_TARGETS = "#_pages_content a, #_pages_content button"


def seed_province(store: Store) -> None:
    """Units and cameras, dossiers of 40 days, an open incident and a new citizen report
    in W1."""
    now = utcnow()
    seed(store, now)
    today = to_local(now).date()
    backfill(store, ["W1", "W2", "W3"], today - timedelta(days=40), today + timedelta(days=1))
    add_incident(store, now - timedelta(minutes=3), title="Khói trên đồi", unit_code=FIELD_UNIT)
    with store.session() as session:
        seed_categories(session)
        item = ReportIn("moi_truong", *HO_XUAN_HUONG, "Rác tồn đọng", external_id="phone-1")
        create_reports(session, store, [item])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The dashboard over the seeded province, for every test of this module."""
    folder: Path = tmp_path_factory.mktemp("phone")
    store = open_store(f"sqlite:///{folder / 'ioc.db'}")
    upgrade(store)
    seed_province(store)
    app = create_app(Settings(var_dir=folder), store, start_background=False)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ioc-phone-server", daemon=True)
    thread.start()
    running = LiveServer(server, thread)
    yield running
    running.stop()
    store.dispose()


@pytest.fixture(scope="module")
def phone(browser: Any, live: LiveServer) -> Iterator[Callable[[Role], WatchedPage]]:
    """A new watched phone-sized page signed in as a role (one context per role)."""
    contexts: dict[Role, Any] = {}

    def open_page(role: Role) -> WatchedPage:
        if role not in contexts:
            context = browser.new_context(
                viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", has_touch=True
            )
            live.sign_in(context, role, FIELD_UNIT if role is Role.FIELD else None)
            contexts[role] = context
        return watch(contexts[role].new_page(), live.url)

    yield open_page
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone(
    name: str, live: LiveServer, phone: Callable[[Role], WatchedPage]
) -> None:
    path, ready, role = PAGES[name]
    watched = phone(role)
    page = watched.page
    try:
        page.goto(live.url + path)
        page.locator(ready).first.wait_for(state="attached", timeout=15_000)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"
        )
        assert max(widths) <= PHONE["width"], f"{path} scrolls sideways: {widths}"
        assert page.evaluate(CUT_OFF_JS, SIDEWAYS) == [], f"{path} is cut off at the right edge"
        if name != "wall":  # the wall is a kiosk: no header, nothing to press
            assert page.evaluate(SMALL_TARGETS_JS, HEADER_TARGETS) == []
        if name in ("field", "reports"):
            assert page.evaluate(SMALL_TARGETS_JS, CONTENT_TARGETS) == []
        assert watched.problems() == []
    finally:
        page.close()
