"""The ``auth`` settings: read from the environment, checked, secrets kept out of sight."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ioc.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith("IOC_") and not name.startswith("IOC_TEST_"):
            monkeypatch.delenv(name)


def test_environment_sets_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_AUTH__COOKIE_SECURE", "true")
    monkeypatch.setenv("IOC_AUTH__TRUSTED_HEADER", "X-Remote-User")
    monkeypatch.setenv("IOC_AUTH__TRUSTED_PROXIES", '["10.0.0.0/8", "192.168.1.5"]')
    monkeypatch.setenv("IOC_AUTH__METRICS_TOKEN", "prometheus-secret")
    auth = load_settings().auth
    assert auth.cookie_secure == "true" and auth.trusted_header == "X-Remote-User"
    assert [str(n) for n in auth.proxy_networks()] == ["10.0.0.0/8", "192.168.1.5/32"]
    assert auth.metrics_secret() == "prometheus-secret"
    assert "prometheus-secret" not in repr(auth)
    assert load_settings(auth={"cookie_secure": False}).auth.cookie_secure == "false"  # YAML


def test_token_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("from-a-file\n", encoding="utf-8")
    assert load_settings(auth={"metrics_token_file": str(secret)}).auth.metrics_secret() == (
        "from-a-file"
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("IOC_AUTH__TRUSTED_PROXIES", '["not-an-address"]', "not an IP address"),
        ("IOC_AUTH__TRUSTED_HEADER", "X Remote: User", "not a header name"),
        ("IOC_AUTH__COOKIE_SECURE", "sometimes", "cookie_secure"),
        ("IOC_AUTH__MAX_FAILURES_PER_USER", "0", "max_failures_per_user"),
    ],
)
def test_bad_auth_values_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = str(err.value)
    assert message in text and key in text
