"""The principal of the request being handled, as the sign-in gate left it on ``flask.g``.

The gate (``ioc.web`` before-request hook) resolves the session cookie and sets
``g.ioc_principal``; pages, callbacks and routes read it here. Outside a signed-in request
there is no principal and :func:`current_principal` raises, so code that forgets the gate
fails closed instead of showing everything.
"""

from __future__ import annotations

from flask import g, has_request_context

from ioc.auth.principal import Principal

G_KEY = "ioc_principal"


class NotSignedInError(PermissionError):
    """A request reached code that needs a principal without one."""


def set_principal(principal: Principal | None) -> None:
    setattr(g, G_KEY, principal)


def principal_or_none() -> Principal | None:
    if not has_request_context():
        return None
    value = getattr(g, G_KEY, None)
    return value if isinstance(value, Principal) else None


def current_principal() -> Principal:
    principal = principal_or_none()
    if principal is None:
        raise NotSignedInError("no signed-in principal for this request")
    return principal
