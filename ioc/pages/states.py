"""What a panel says before its first data arrives and when the store cannot be read.

Layouts put :func:`loading` where a callback's first answer will go, so a slow first read
shows a sentence, not an empty box; callbacks answer a :class:`SQLAlchemyError` with
:func:`failed` (a polling page fills itself again once the database is back). Callbacks
name their outputs (Dash's dict form); :func:`only` answers some of them and leaves the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash
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


def only(outputs: Iterable[str], **values: Any) -> dict[str, Any]:
    """A callback's answer by output name: ``values`` where given, every other output left
    as the page shows it (``dash.no_update``)."""
    names = list(outputs)
    unknown = set(values) - set(names)
    if unknown:
        raise KeyError(f"not outputs of this callback: {sorted(unknown)}")
    return {name: values.get(name, dash.no_update) for name in names}
