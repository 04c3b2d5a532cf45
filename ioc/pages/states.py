"""What a panel says before its first data arrives and when the store cannot be read.

Layouts put :func:`loading` where a callback's first answer will go, so a slow first read
shows a sentence, not an empty box; callbacks answer a :class:`SQLAlchemyError` with
:func:`failed` (a polling page fills itself again once the database is back).
"""

from __future__ import annotations

from dash import html
from sqlalchemy.exc import SQLAlchemyError

from ioc.i18n import t
from ioc.store.outage import UNREACHABLE


def loading(lang: str) -> html.P:
    return html.P(t("common.loading", lang), className="ioc-loading")


def reason(exc: SQLAlchemyError, lang: str) -> str:
    """Why the store could not be read, in words when the database is out of reach."""
    return t("common.db_unreachable", lang) if isinstance(exc, UNREACHABLE) else type(exc).__name__


def failed(exc: SQLAlchemyError, lang: str, retries: bool = True) -> html.P:
    """The panel's error: what happened, and that the page tries again by itself (or, on a
    page that does not poll, that a reload will)."""
    key = "common.error" if retries else "common.error_reload"
    return html.P(t(key, lang, reason=reason(exc, lang)), className="ioc-error", role="alert")
