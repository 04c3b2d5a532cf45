"""Pages decide who sees them when Dash's router renders them, not only on a first load.

Inside the app, following a link does not load a page from the server: Dash's router
callback renders the page's layout for the new path. The gate decides that path like a
page (:func:`ioc.web.gate.callback_decision`); here each registered page's layout is wrapped
so that a refused path renders a short notice, and a path that belongs elsewhere (``/`` for
a unit operator) sends the browser there. Dash also calls layouts once to learn every
component id (outside the router); those calls get the plain skeleton, which reads nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import dcc, html

from ioc.auth.routes import Outcome
from ioc.i18n import language_or_default, t
from ioc.web.gate import page_decision

GUARDED = "_ioc_guarded"


def guard(layout: Callable[..., Any]) -> Callable[..., Any]:
    """``layout``, rendered only when the gate allowed the router's target path."""
    if getattr(layout, GUARDED, False):
        return layout

    def guarded(**kwargs: Any) -> Any:
        if not kwargs:  # Dash learning the ids: the router always passes the language
            return layout()
        decision = page_decision()
        if decision is not None and decision.outcome is Outcome.ALLOW:
            return layout(**kwargs)
        if decision is not None and decision.outcome is Outcome.REDIRECT:
            return dcc.Location(id="gate-redirect", href=decision.location, refresh=True)
        return refused(language_or_default(kwargs.get("lang")))

    setattr(guarded, GUARDED, True)
    guarded.__doc__ = layout.__doc__
    return guarded


def refused(lang: str) -> html.Div:
    return html.Div(
        [
            html.H2(t("auth.forbidden.title", lang), className="gate-title"),
            html.P(t("auth.forbidden.text", lang), className="gate-text"),
        ],
        className="gate-refused",
        role="alert",
    )


def guard_pages() -> None:
    """Wrap the layout of every page registered so far (idempotent)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if callable(layout):
            page["layout"] = guard(layout)
