"""The principal of the request being handled, as the sign-in gate left it on ``flask.g``.

The gate (``ioc.web`` before-request hook) resolves the session cookie and sets
``g.ioc_principal``; pages, callbacks and routes read it here. Outside a signed-in request
there is no principal (:func:`principal_or_none` is None), so code that forgets the gate
shows nothing instead of everything.
"""

from __future__ import annotations

from flask import g, has_request_context

from ioc.auth.principal import Principal

G_KEY = "ioc_principal"


def set_principal(principal: Principal | None) -> None:
    setattr(g, G_KEY, principal)


def principal_or_none() -> Principal | None:
    if not has_request_context():
        return None
    value = getattr(g, G_KEY, None)
    return value if isinstance(value, Principal) else None
