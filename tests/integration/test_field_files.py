"""Snapshot files at /files/snapshots/<path>: served from <var_dir>/snapshots only (to a
province-wide principal here; who sees which file is tested in test_scope_pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from ioc.app_context import attach
from ioc.auth.current import set_principal
from ioc.config import Settings
from ioc.store import Store
from ioc.web.files import files
from tests.scope_support import ADMIN

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


@pytest.fixture
def client(tmp_path: Path, sqlite_store: Store) -> object:
    (tmp_path / "snapshots" / "CAM-A").mkdir(parents=True)
    (tmp_path / "snapshots" / "CAM-A" / "a.jpg").write_bytes(JPEG)
    (tmp_path / "ioc.db.secret.jpg").write_bytes(JPEG)  # outside the snapshots folder
    (tmp_path / "snapshots" / "notes.txt").write_text("no")
    app = Flask(__name__)
    attach(app, Settings(var_dir=tmp_path), sqlite_store)
    app.register_blueprint(files)
    app.before_request(lambda: set_principal(ADMIN))  # what the sign-in gate leaves
    return app.test_client()


def test_serves_a_snapshot(client: object) -> None:
    response = client.get("/files/snapshots/CAM-A/a.jpg")  # type: ignore[attr-defined]
    assert response.status_code == 200 and response.data == JPEG


@pytest.mark.parametrize(
    "path",
    [
        "/files/snapshots/../ioc.db.secret.jpg",
        "/files/snapshots/..%2fioc.db.secret.jpg",
        "/files/snapshots/..%2F..%2Fetc%2Fpasswd",
        "/files/snapshots/CAM-A/..%2f..%2fioc.db.secret.jpg",
        "/files/snapshots/%2e%2e/ioc.db.secret.jpg",
        "/files/snapshots/..%5cioc.db.secret.jpg",
        "/files/snapshots//etc/passwd",
        "/files/snapshots/notes.txt",
        "/files/snapshots/CAM-A/missing.jpg",
    ],
)
def test_refuses_anything_else(client: object, path: str) -> None:
    response = client.get(path, follow_redirects=True)  # type: ignore[attr-defined]
    assert response.status_code == 404
