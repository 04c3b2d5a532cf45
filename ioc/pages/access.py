"""What pages show when the signed-in principal may not see something: one plain message.

Callbacks ask :func:`viewer` for the principal of the request (None when the sign-in gate
did not leave one, which sees nothing) and answer a refusal with :func:`denied` instead of
data, so a page left open or a hand-made callback request gets the message, not the rows.
"""

from __future__ import annotations

from dash import html

from ioc.auth.current import principal_or_none
from ioc.auth.principal import Principal
from ioc.i18n import t


def viewer() -> Principal | None:
    """The principal of the request being answered, or None."""
    return principal_or_none()


def denied(lang: str, key: str = "access.denied") -> html.P:
    """The refusal: a plain Vietnamese (or English) sentence, no data."""
    return html.P(t(key, lang), className="access-denied", role="alert")


def province_only(lang: str) -> html.P:
    return denied(lang, "access.province_only")
