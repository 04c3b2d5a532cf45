"""The shell's navigation follows the chosen language and covers the main pages."""

from __future__ import annotations

from ioc.web.nav import PAGES, nav_texts


def test_links_in_both_languages() -> None:
    vi = [link.children for link in nav_texts("vi")]
    en = [link.children for link in nav_texts("en")]
    assert vi[0] == "Tổng quan" and en[0] == "Overview"
    assert [getattr(link, "href", None) for link in nav_texts("en")] == [p for p, _ in PAGES]
    main_pages = {"/", "/kpi", "/ioc", "/chuyen-doi-so", "/reports", "/thay-doi", "/vu-viec"}
    main_pages |= {"/field", "/leader", "/wall", "/system"}
    assert main_pages == {p for p, _ in PAGES}
