"""The shell's page navigation: one row of links under the title, in the chosen language.

Only the pages the signed-in principal may open are linked (the server refuses the others
anyway; see :mod:`ioc.auth.routes`). Hidden on the wall display (a kiosk has no mouse) by
CSS; the field page keeps it compact.
"""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html

from ioc.app_context import LANG_STORE_ID
from ioc.auth.current import principal_or_none
from ioc.auth.principal import Principal
from ioc.auth.routes import may_open
from ioc.i18n import t

# (path, text key) of every page a person navigates to; /unit/<code> is reached by links.
PAGES = (
    ("/", "nav.overview"),
    ("/leader", "nav.leader"),
    ("/kpi", "nav.kpi"),
    ("/chuyen-doi-so", "nav.digital"),
    ("/ioc", "nav.iocs"),
    ("/reports", "nav.reports"),
    ("/thay-doi", "nav.changes"),
    ("/vu-viec", "nav.cases"),
    ("/field", "nav.field"),
    ("/wall", "nav.wall"),
    ("/system", "nav.system"),
)


def visible_pages(principal: Principal | None) -> list[tuple[str, str]]:
    """The pages to link for ``principal`` (None, outside a request: all of them)."""
    if principal is None:
        return list(PAGES)
    return [(path, key) for path, key in PAGES if may_open(principal, path)]


def nav_links(lang: str, principal: Principal | None = None) -> list[dcc.Link]:
    return [
        dcc.Link(t(key, lang), href=path, className="shell-nav-link", id=f"shell-nav-{i}")
        for i, (path, key) in enumerate(visible_pages(principal))
    ]


def nav(lang: str, principal: Principal | None = None) -> html.Nav:
    """The navigation bar as laid out on first load."""
    return html.Nav(nav_links(lang, principal), id="shell-nav", className="shell-nav")


@callback(Output("shell-nav", "children"), Input(LANG_STORE_ID, "data"))
def nav_texts(lang: str | None) -> list[dcc.Link]:
    """The links again in the chosen language."""
    return nav_links(lang or "", principal_or_none())
