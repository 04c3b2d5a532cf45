"""/chuyen-doi-so in a real Chromium: the shipped figures with their sources, an empty
indicator that says "chưa có số liệu", and nothing cut off on a wall, a 4K wall or a phone."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.digital.importer import seed_sample
from ioc.geography.defaults import seed_default_units
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e

SIZES = {"wall": (1920, 1080), "wall4k": (3840, 2160), "phone": (390, 844)}
# Overflow of any card or of the page itself (a card wider than its box is cut off).
OVERFLOW = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('page ' + doc.scrollWidth);
  for (const el of document.querySelectorAll('.cds-card, .cds-card *')) {
    if (el.closest('.js-plotly-plot')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push(el.className + ' ' + el.scrollWidth + '>' + el.clientWidth);
    const box = el.getBoundingClientRect(), card = el.closest('.cds-card');
    if (card && el !== card) {
      const c = card.getBoundingClientRect();
      if (box.right > c.right + 1 || box.left < c.left - 1) out.push('outside ' + el.className);
    }
  }
  return out;
}"""


def card(page: Any, code: str) -> Any:
    return page.locator(f".cds-card[data-indicator='{code}']")


def test_board_shows_sample_figures_sources_and_empty_indicators(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_default_units(store)  # the shipped geography: Đà Lạt 672, Lạc Dương 675
    assert seed_sample(store) == 12
    live = serve(create_app(Settings(var_dir=tmp_path), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/chuyen-doi-so")
    page.wait_for_selector(".cds-card[data-indicator='dvc_online_rate']", timeout=15_000)

    online = card(page, "dvc_online_rate")
    assert online.locator(".cds-number").inner_text() == "67"
    assert online.locator(".cds-period").inner_text() == "năm 2023"
    source = online.locator(".cds-source")
    assert "Chuyển đổi số là phong trào thi đua sâu rộng ở Lâm Đồng" in source.inner_text()
    assert "Báo Đắk Nông, 11/08/2023" in source.inner_text()
    assert source.locator("a").get_attribute("href") == "https://baodaknong.vn/print/159011.html"

    coverage = card(page, "mobile_broadband_coverage")  # 96 % (2022) then 100 % (2023)
    assert coverage.locator(".cds-number").inner_text() == "100"
    assert coverage.locator(".cds-trend").count() == 1
    dti = card(page, "dti_rank")  # rank 20 against the target "top 20 by 2025"
    assert dti.locator(".cds-number").inner_text() == "20"
    assert "Báo Gia Lai, 08/2022" in dti.locator(".cds-source").first.inner_text()
    assert dti.locator(".cds-bar").get_attribute("aria-valuenow") == "100"
    iocs = card(page, "ioc_centres")  # province-wide 2, and one per unit
    assert iocs.locator(".cds-number").inner_text() == "2"
    assert iocs.locator("li[data-unit]").count() == 2

    for empty in ("bts_5g_stations", "digital_certificates", "digital_economy_grdp_share"):
        assert card(page, empty).locator(".cds-empty").inner_text() == "chưa có số liệu"
        assert card(page, empty).locator(".cds-number").count() == 0
    assert "Mục tiêu 2030: 30 %" in card(page, "digital_economy_grdp_share").inner_text()
    for pillar in ("government", "economy", "society", "infrastructure"):
        assert page.locator(f"#cds-pillar-{pillar} .cds-card").count() >= 2

    page.locator("#shell-lang-switch label", has_text="EN").click()
    page.wait_for_function(
        "() => document.querySelector('#cds-pillar-economy h3')?.innerText === 'Digital economy'",
        timeout=10_000,
    )
    assert card(page, "bts_5g_stations").locator(".cds-empty").inner_text() == "no data yet"
    assert card(page, "bts_stations").locator(".cds-name").inner_text() == (
        "Mobile base stations (BTS)"
    )
    page.locator("#shell-lang-switch label", has_text="VI").click()
    page.wait_for_function(
        "() => document.querySelector('#cds-pillar-economy h3')?.innerText === 'Kinh tế số'",
        timeout=10_000,
    )

    shots = Path(os.environ.get("IOC_SCREENSHOT_DIR", tmp_path))
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        assert page.evaluate(OVERFLOW) == [], name
        page.screenshot(path=str(shots / f"digital-board-{name}.png"))
        page.locator(".cds-card").last.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        page.screenshot(path=str(shots / f"digital-board-{name}-end.png"))
        page.evaluate("() => { document.querySelector('.cds').scrollTop = 0; scrollTo(0, 0); }")
    assert watched_page.problems() == []
    store.dispose()
