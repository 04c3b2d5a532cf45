"""Snapshot files for pages and alert links: ``/files/snapshots/<path>`` from
``<var_dir>/snapshots/``.

Only regular files inside that folder are served. Werkzeug's ``safe_join`` refuses ``..``
parts, absolute paths and backslashes (``%2f`` arrives here already decoded to ``/``, so an
encoded ``..%2f`` is refused the same way); the resolved path must still be inside the
folder, so a symbolic link cannot lead out either. Then the file's owner (a camera or an
incident, :mod:`ioc.web.file_owners`) must be in the signed-in principal's scope. Anything
else is a plain 404: a file out of scope is not even admitted to exist.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_file
from werkzeug.security import safe_join

from ioc.auth.current import principal_or_none
from ioc.web.context import current_settings, current_store
from ioc.web.file_owners import may_see_file, snapshot_owners

SNAPSHOTS = "snapshots"
ALLOWED_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

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


@files.route(f"/files/{SNAPSHOTS}/<path:relative>")
def snapshot(relative: str) -> Response:
    """One snapshot image, for a principal that sees its camera or incident (cached for a
    day in the browser only: snapshot names never change, but who may see them does)."""
    principal = principal_or_none()
    root = current_settings().var_dir / SNAPSHOTS
    path = resolve(root, relative)
    if path is None or principal is None:
        abort(404)
    inside = path.relative_to(root.resolve()).as_posix()
    with current_store().session() as session:
        owners = snapshot_owners(session, inside, SNAPSHOTS)
    if not may_see_file(principal, owners):
        abort(404)
    response = send_file(path, max_age=86400)
    response.cache_control.public = False
    response.cache_control.private = True
    return response
