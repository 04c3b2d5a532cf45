"""Snapshot files for pages and alert links: ``/files/snapshots/<path>`` from
``<var_dir>/snapshots/``.

Only regular files inside that folder are served. Werkzeug's ``safe_join`` refuses ``..``
parts, absolute paths and backslashes (``%2f`` arrives here already decoded to ``/``, so an
encoded ``..%2f`` is refused the same way); the resolved path must still be inside the
folder, so a symbolic link cannot lead out either. Anything else is a plain 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_file
from werkzeug.security import safe_join

from ioc.web.context import current_settings

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
    """One snapshot image (cached for a day: snapshot names never change)."""
    root = current_settings().var_dir / SNAPSHOTS
    path = resolve(root, relative)
    if path is None:
        abort(404)
    return send_file(path, max_age=86400)
