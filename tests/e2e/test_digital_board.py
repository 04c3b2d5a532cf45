"""/chuyen-doi-so in a real Chromium: the shipped figures with their sources, an empty
indicator that says "chưa có số liệu", and nothing cut off on a wall, a 4K wall or a phone;
on a 1920×1080 and a 3840×2160 wall the whole board fits the screen, with no scrolling, no
tile's text outside its tile and the charts' labels as large as the rest, also when every
indicator has figures."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.digital.catalogue import load_indicators
from ioc.digital.importer import seed_sample
from ioc.digital.values import Source, record_indicator_value
from ioc.geography.defaults import seed_default_units
from ioc.store import Store, open_store
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
    if (el.closest('.js-plotly-plot') || !el.getClientRects().length) continue;
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


# On a wall: the page and the board do not scroll; every tile is on the screen; every piece
# of text of a tile (text nodes, so a word running out of its block counts) is inside it;
# and the smallest text of the tiles, the charts' labels included.
WALL_FIT = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollHeight > innerHeight) out.push('page scrolls ' + doc.scrollHeight);
  if (doc.scrollWidth > innerWidth) out.push('page wider ' + doc.scrollWidth);
  for (const box of document.querySelectorAll('.cds, .cds-board')) {
    if (box.scrollHeight > box.clientHeight + 1) out.push(box.className + ' scrolls');
    if (box.scrollWidth > box.clientWidth + 1) out.push(box.className + ' wider');
  }
  let smallest = 1e9;
  for (const tile of document.querySelectorAll('.cds-card')) {
    const c = tile.getBoundingClientRect(), code = tile.dataset.indicator;
    if (c.top < 0 || c.left < 0 || c.bottom > innerHeight + 0.5 || c.right > innerWidth + 0.5)
      out.push('off screen ' + code);
    const walker = document.createTreeWalker(tile, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (!r.width && !r.height) continue;  // not shown (the definition on a wall)
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.top < c.top - 0.5
          || r.bottom > c.bottom + 0.5)
        out.push('text outside ' + code + ': ' + node.textContent.slice(0, 30));
      smallest = Math.min(smallest, parseFloat(getComputedStyle(node.parentElement).fontSize));
    }
  }
  const board = document.querySelector('.cds-board');
  return {problems: out, smallest: smallest, tiles: document.querySelectorAll('.cds-card').length,
          fit: board.dataset.fit, compact: !!board.dataset.compact};
}"""
WALLS = {"wall": (1920, 1080), "wall4k": (3840, 2160)}


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


def board_store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_default_units(store)
    seed_sample(store)
    return store


def wall_check(page: Any, width: int, height: int) -> dict[str, Any]:
    """The board at a wall's size once it has settled (fit_board.js measures twice a second)."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        f"() => innerWidth === {width} && !!document.querySelector('.cds-board')?.dataset.fit",
        timeout=10_000,
    )
    page.wait_for_timeout(1200)
    result: dict[str, Any] = page.evaluate(WALL_FIT)
    return result


def test_the_board_fits_a_wall_without_scrolling(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    """The shipped figures at their designed sizes (nothing shrunk to fit) on a 1080p and a
    4K wall, the 4K one twice as large, its chart labels too."""
    store = board_store(tmp_path)
    live = serve(create_app(Settings(var_dir=tmp_path), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/chuyen-doi-so")
    page.wait_for_selector(".cds-trend .js-plotly-plot text", timeout=15_000)
    smallest = {}
    for name, (width, height) in WALLS.items():
        if name == "wall4k":  # the charts are drawn for the screen the page was opened on
            page.set_viewport_size({"width": width, "height": height})
            page.reload()
            page.wait_for_selector(".cds-trend .js-plotly-plot text", timeout=15_000)
        found = wall_check(page, width, height)
        assert found["problems"] == [], name
        assert found["tiles"] == 18 and found["fit"] == "1.00" and not found["compact"], name
        smallest[name] = found["smallest"]
    assert smallest["wall"] >= 15
    assert smallest["wall4k"] >= 1.9 * smallest["wall"]
    assert watched_page.problems() == []
    store.dispose()


def test_a_board_with_every_indicator_filled_still_fits(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    """Every indicator with a sourced figure for two years (a trend and an earlier source
    each) and values for two units: the board leaves the details out and makes itself
    smaller, but never scrolls, and every tile keeps its value and source."""
    store = board_store(tmp_path)
    source = Source("Báo cáo chuyển đổi số năm 2024 của tỉnh Lâm Đồng", "Sở TT&TT", "2025-01")
    with store.engine.begin() as conn:
        for n, indicator in enumerate(load_indicators(conn)):
            for year, value in (("2023", 40 + n), ("2024", 45 + n)):
                record_indicator_value(conn, indicator.code, None, year, value, source)
            for unit in ("672", "675"):
                record_indicator_value(conn, indicator.code, unit, "2024", 3 + n, source)
    live = serve(create_app(Settings(var_dir=tmp_path), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/chuyen-doi-so")
    page.wait_for_selector(".cds-card[data-indicator='bts_5g_stations'] .cds-trend", timeout=15_000)
    found = wall_check(page, 1920, 1080)
    assert found["problems"] == [] and found["tiles"] == 18, found
    assert found["compact"] and 0.7 <= float(found["fit"]) < 1
    shots = Path(os.environ.get("IOC_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(shots / "digital-board-full-wall.png"))
    for tile in page.locator(".cds-card").all():
        assert (
            tile.locator(".cds-number").is_visible()
            and tile.locator(".cds-source").first.is_visible()
        )
    assert watched_page.problems() == []
    store.dispose()
