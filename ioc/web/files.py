"""Snapshot files for pages and alert links: ``/files/snapshots/<path>`` from
``<var_dir>/snapshots/``.

Only regular files inside that folder are served. Werkzeug's ``safe_join`` refuses ``..``
parts, absolute paths and backslashes (``%2f`` arrives here already decoded to ``/``, so an
encoded ``..%2f`` is refused the same way); the resolved path must still be inside the
folder, so a symbolic link cannot lead out either. Then the file's owner (a camera or an
incident, :mod:`ioc.web.file_owners`) must be in the signed-in principal's scope, unless the
request carries a valid, unexpired signature of exactly its path (the link of an alert,
:mod:`ioc.file_links`): then it needs no session. Anything else is a plain 404: a file
out of scope is not even admitted to exist. (Without a session and without a valid
signature the gate answers first, with the same 401 as for any anonymous file request.)
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file
from werkzeug.security import safe_join

from ioc.app_context import current_settings, current_store
from ioc.auth.current import principal_or_none
from ioc.store.cameras import SNAPSHOTS
from ioc.web.file_owners import may_see_file, snapshot_owners

ALLOWED_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
BROWSER_CACHE_S = 86400

files = Blueprint("ioc_files", __name__)


def resolve(root: Path, relative: str) -> Path | None:
    """The file ``relative`` under ``root``, or None when it is not a safe, existing image."""
    if "\\" in relative or "\x00" in relative:
        return None
    joined = safe_join(str(root), relative)
    if joined is None:
        return None
    path = Path(joined).resolve()
    base = root.resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    if path.suffix.lower() not in ALLOWED_SUFFIXES:
        return None
    return path


def signed_link_expiry() -> int | None:
    """The expiry (unix seconds) of this request's valid signature of its own path, or None.

    The signature covers ``request.path`` (percent-decoded, without the query) exactly; the
    key is read from the settings on each call, so a rotated key file takes effect at once.
    """
    raw = request.query_string
    if not raw:
        return None
    links = current_settings().auth.file_links()
    if links is None or not links.verify(request.path, raw, time.time()):
        return None
    return int(request.args["exp"])


@files.route(f"/files/{SNAPSHOTS}/<path:relative>")
def snapshot(relative: str) -> Response:
    """One snapshot image, for a principal that sees its camera or incident, or for a valid
    signed link of exactly this path (cached in the browser only, for a day or until the
    link expires: snapshot names never change, but who may see them does)."""
    root = current_settings().var_dir / SNAPSHOTS
    path = resolve(root, relative)
    if path is None:
        abort(404)
    expiry = signed_link_expiry()
    if expiry is None:
        principal = principal_or_none()
        if principal is None:
            abort(404)
        inside = path.relative_to(root.resolve()).as_posix()
        with current_store().session() as session:
            owners = snapshot_owners(session, inside, SNAPSHOTS)
        if not may_see_file(principal, owners):
            abort(404)
    max_age = BROWSER_CACHE_S
    if expiry is not None:  # a browser keeps a signed link's picture no longer than the link
        max_age = max(1, min(max_age, expiry - int(time.time())))
    response = send_file(path, max_age=max_age)
    response.cache_control.public = False
    response.cache_control.private = True
    return response
