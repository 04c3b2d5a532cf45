"""``ioc cameras import`` and ``ioc cameras shards`` on a real embedded store: cameras are
registered in their unit, bad files get a clear error and change nothing, and the shard
table says which worker takes which camera (in lease mode: who holds which)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from camera.leases import balance
from camera.shards import assignment
from ioc.cli import main
from ioc.geography.defaults import seed_default_units
from ioc.store import open_store
from ioc.store.cameras import camera_count
from ioc.store.migrate import upgrade
from ioc.store.models import Camera
from ioc.timeutil import utcnow

CSV = """id,name,lon,lat,stream_url
LD-DL-31,Đồi Cù,108.447,11.951,rtsp://cam31.local/stream
LD-DL-32,Hồ Xuân Hương,108.441,11.940,rtsp://cam32.local/stream
LD-DL-33,Thung lũng Tình Yêu,108.450,11.978,rtsp://cam33.local/stream
LD-DL-34,Langbiang (no stream),108.440,12.047,
"""


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in list(os.environ):
        if name.startswith("IOC_") and not name.startswith("IOC_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'ioc.db'}"
    monkeypatch.setenv("IOC_DATABASE__URL", url)
    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path / "var"))
    store = open_store(url)
    upgrade(store)
    seed_default_units(store)
    store.dispose()
    return url


def test_import_registers_cameras_in_their_units(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cameras.csv").write_text(CSV, encoding="utf-8")
    assert main(["cameras", "import", str(tmp_path / "cameras.csv")]) == 0
    assert "4 camera(s) registered, 3 with a stream" in capsys.readouterr().out
    store = open_store(database)
    with store.session() as session:
        camera = session.get(Camera, "LD-DL-31")
        assert camera is not None and camera.unit_code  # located in a unit of Đà Lạt
        assert camera.stream_url == "rtsp://cam31.local/stream"
    store.dispose()


def test_bad_files_are_refused_and_nothing_changes(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.csv").write_text("name,lon,lat\nX,108.4,11.9\n", encoding="utf-8")
    assert main(["cameras", "import", str(tmp_path / "bad.csv")]) == 1
    assert "thiếu cột / missing column 'id'" in capsys.readouterr().err
    (tmp_path / "nan.csv").write_text("id,name,lon,lat\nX,Y,east,11.9\n", encoding="utf-8")
    assert main(["cameras", "import", str(tmp_path / "nan.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["cameras", "import", str(tmp_path / "missing.csv")]) == 1
    store = open_store(database)
    with store.session() as session:
        assert camera_count(session) == 0
    store.dispose()


def test_shards_static_and_leased(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "cameras.csv").write_text(CSV, encoding="utf-8")
    assert main(["cameras", "import", str(tmp_path / "cameras.csv")]) == 0
    capsys.readouterr()
    assert main(["cameras", "shards", "--count", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = assignment(["LD-DL-31", "LD-DL-32", "LD-DL-33"], 2)
    assert lines == [
        f"shard {s}/2: {len(ids)} camera(s) {' '.join(ids)}".rstrip() for s, ids in expected.items()
    ]
    monkeypatch.setenv("IOC_CAMERA_WORKER__ASSIGNMENT", "lease")
    store = open_store(database)
    with store.session() as session:
        balance(session, "host:1:cameras-lease", ["LD-DL-31", "LD-DL-32"], utcnow(), 60)
    store.dispose()
    assert main(["cameras", "shards"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "(chưa ai giữ / unheld): 1 camera(s) LD-DL-33",
        "host:1:cameras-lease: 2 camera(s) LD-DL-31 LD-DL-32",
    ]
    assert main(["cameras", "shards", "--count", "0"]) == 2
