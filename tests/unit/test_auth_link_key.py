"""The key of signed file links: from the environment or a file, never a default outside
the demo, which makes its own once; secrets kept out of sight."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ioc.auth.demo import demo_link_secret, use_demo_link_secret
from ioc.config import ConfigError, load_settings
from ioc.config.auth import AuthSettings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith("IOC_") and not name.startswith("IOC_TEST_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("clean_env")
def test_no_key_means_no_signer() -> None:
    assert load_settings().auth.file_links() is None


@pytest.mark.usefixtures("clean_env")
def test_key_from_the_environment_or_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IOC_AUTH__LINK_SECRET", "x" * 40)
    monkeypatch.setenv("IOC_AUTH__LINK_TTL_HOURS", "2")
    auth = load_settings().auth
    links = auth.file_links()
    assert links is not None and links.key == b"x" * 40 and links.ttl_s == 7200
    assert "x" * 40 not in repr(auth) and "x" * 40 not in repr(links)
    monkeypatch.delenv("IOC_AUTH__LINK_SECRET")
    key_file = tmp_path / "link_secret"
    key_file.write_text("y" * 40 + "\n", encoding="utf-8")
    from_file = load_settings(auth={"link_secret_file": str(key_file)}).auth.file_links()
    assert from_file is not None and from_file.key == b"y" * 40


@pytest.mark.usefixtures("clean_env")
def test_bad_keys_and_lifetimes_are_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IOC_AUTH__LINK_SECRET", "short")
    with pytest.raises(ValueError, match="16 bytes"):
        load_settings().auth.file_links()
    monkeypatch.delenv("IOC_AUTH__LINK_SECRET")
    with pytest.raises(FileNotFoundError):
        AuthSettings(link_secret_file=str(tmp_path / "missing")).file_links()
    monkeypatch.setenv("IOC_AUTH__LINK_TTL_HOURS", "0")
    with pytest.raises(ConfigError, match="IOC_AUTH__LINK_TTL_HOURS"):
        load_settings()


def test_the_demo_makes_one_private_key_and_keeps_it(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    path = demo_link_secret(var_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text(encoding="utf-8")
    assert len(key.strip()) >= 40
    assert demo_link_secret(var_dir).read_text(encoding="utf-8") == key
    assert sorted(p.name for p in var_dir.iterdir()) == ["link_secret"]  # no temporary left
    web, incidents = AuthSettings(), AuthSettings()  # two roles' settings on one machine
    assert use_demo_link_secret(web, var_dir) and use_demo_link_secret(incidents, var_dir)
    assert web.file_links() == incidents.file_links() is not None


def test_the_demo_leaves_a_configured_key_alone(tmp_path: Path) -> None:
    auth = AuthSettings(link_secret="z" * 32)
    assert not use_demo_link_secret(auth, tmp_path)
    assert auth.link_secret_file == "" and not (tmp_path / "link_secret").exists()
