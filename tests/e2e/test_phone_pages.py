"""Every dashboard page on a phone (390×844) in a real Chromium: it renders, nothing is wider
than the screen or cut off at its right edge, the console stays clean, and what a thumb
presses is at least 44 px tall (the header everywhere; every button and link on /field and
/reports, the two pages people work in from a phone); the overview's map fits the province
and keeps its legend. At wall sizes (1920×1080, 3840×2160) no title or card text an
operator must read is cut off, and the wall's map fills its panel.

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
from ioc.store.models import IocAreaUnit, IocUnit
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
    "digital": ("/chuyen-doi-so", ".cds-card .cds-empty", Role.ADMIN),
    "iocs": ("/ioc", ".iocnet-row", Role.ADMIN),
    "ioc": ("/ioc/IOC-D1", "#iocpage-cameras .unit-camera", Role.ADMIN),
}
# Blocks that scroll sideways on purpose (wide tables, the row of page links) and the
# wall's news ticker, which slides in from the right.
SIDEWAYS = (
    ".shell-nav, .leader-table-wrap, div:has(> #kpi-ranking), #kpi-detail, .system > div,"
    " .wall-ticker, .iocnet-table-wrap"
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
LONG_TITLE = "Cháy rừng thông trên sườn đồi phía tây hồ Tuyền Lâm, gần khu du lịch Đồi Mộng Mơ"
# Texts an operator must read whole; each must show all of itself (no ellipsis, no clip).
MUST_READ = (
    "#shell-title, #wall-title, .ioc-incident-title, .ioc-incident-meta, .overview-alarm-name"
)
# Cut: clipped (overflow not visible, or an ellipsis) with more text than shows, or reaching
# past the box that holds it.
CUT_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width === 0) return false;
    const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    const more = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    const holder = el.parentElement.getBoundingClientRect();
    return (clips && more) || box.right > holder.right + 1;
}).map(el => `${el.id || el.className}: ${el.innerText.slice(0, 40)}`)"""
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
    add_incident(store, now - timedelta(minutes=9), title=LONG_TITLE, unit_code=FIELD_UNIT)
    with store.session() as session:
        seed_categories(session)
        item = ReportIn("moi_truong", *HO_XUAN_HUONG, "Rác tồn đọng", external_id="phone-1")
        create_reports(session, store, [item])
        session.add(
            IocUnit(
                code="IOC-D1",
                name="Trung tâm IOC thành phố Đà Lạt (thử)",
                admin_unit_code="D1",
                kind="unit",
                source="thử / test",
            )
        )
        session.flush()
        session.add(IocAreaUnit(ioc_code="IOC-D1", unit_code="D1"))


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


def test_the_overview_map_fits_the_province_and_keeps_its_legend_on_a_phone(
    live: LiveServer, phone: Callable[[Role], WatchedPage]
) -> None:
    watched = phone(Role.ADMIN)
    page = watched.page
    try:
        page.goto(live.url + "/")
        graph = ".overview-graph .js-plotly-plot"
        # fitted, and the drawn map has taken the new zoom (relayout resolves after the flag)
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('{graph}');"
            " return g && g._iocFitted && g._fullLayout.map._subplot.map.getZoom()"
            " < g._iocServerZoom - 0.5; }",
            timeout=20_000,
        )
        zooms = page.evaluate(
            f"() => {{ const g = document.querySelector('{graph}');"
            " return [g._iocServerZoom, g._fullLayout.map._subplot.map.getZoom()]; }"
        )
        assert zooms[1] < zooms[0] - 0.5, f"zoomed out to fit a phone: {zooms}"
        legend = page.locator(f"{graph} .legend")
        assert legend.is_visible()
        map_box = page.locator(graph).bounding_box()
        legend_box = legend.bounding_box()
        assert map_box is not None and legend_box is not None
        assert legend_box["x"] + legend_box["width"] <= map_box["x"] + map_box["width"] + 1
        below = page.locator(".overview-controls").bounding_box()
        assert below is not None and below["y"] >= map_box["y"] + map_box["height"] - 1
        assert watched.problems() == []
    finally:
        page.close()


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
@pytest.mark.parametrize("path", ["/", "/unit/W1", "/wall?unit=W1&rotate=600"])
def test_wall_sizes_cut_no_text_and_the_wall_map_fills_its_panel(
    size: tuple[int, int], path: str, live: LiveServer, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="vi-VN")
    try:
        live.sign_in(context, Role.ADMIN)
        watched = watch(context.new_page(), live.url)
        page = watched.page
        page.goto(live.url + path)
        page.wait_for_function(
            "t => document.body.innerText.includes(t)", arg=LONG_TITLE, timeout=20_000
        )
        assert page.evaluate(CUT_TEXT_JS, MUST_READ) == []
        if path.startswith("/wall"):
            page.wait_for_selector("#wall-map .js-plotly-plot", timeout=15_000)
            graph = page.locator("#wall-map .js-plotly-plot").bounding_box()
            panel = page.locator(".wall-map").bounding_box()
            assert graph is not None and panel is not None
            assert graph["width"] * graph["height"] >= 0.9 * panel["width"] * panel["height"]
            cards = page.locator("#wall-cards").bounding_box()
            assert cards is not None and graph["x"] + graph["width"] <= cards["x"] + 1  # no overlap
        assert watched.problems() == []
    finally:
        context.close()
