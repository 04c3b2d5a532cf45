"""Settings: defaults work, unknown keys are rejected, errors name their origin."""

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


def test_defaults_are_embedded(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'ioc.db'}"
    assert (settings.mqtt.port, settings.broker.port) == (18830, 18830)
    assert settings.web.language == "vi"


def test_env_overrides_nested_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_WEB__PORT", "9000")
    monkeypatch.setenv("IOC_DATABASE__URL", "postgresql+psycopg://u:p@db/ioc")
    settings = load_settings()
    assert settings.web.port == 9000
    assert settings.database_url == "postgresql+psycopg://u:p@db/ioc"


def test_unknown_env_key_is_rejected_with_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_WEB__PROT", "9000")
    with pytest.raises(ConfigError) as err:
        load_settings()
    [problem] = err.value.problems
    assert problem.message == "unknown setting"
    assert problem.origin == "environment variable IOC_WEB__PROT"


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_MQTT__PORT", "seventy")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert [(p.key, p.origin) for p in err.value.problems] == [
        ("mqtt.port", "environment variable IOC_MQTT__PORT")
    ]


def test_yaml_file_values_and_unknown_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("web:\n  port: 8123\nsimulator:\n  seed: 7\n", encoding="utf-8")
    monkeypatch.setenv("IOC_CONFIG", str(good))
    assert load_settings().web.port == 8123
    bad = tmp_path / "bad.yaml"
    bad.write_text("web:\n  port: -1\n  colour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(bad)
    keys = {p.key: p.origin for p in err.value.problems}
    assert set(keys) == {"web.port", "web.colour"}
    assert all(origin.startswith(f"YAML file {bad}") for origin in keys.values())


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "list.yaml"
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(bad)


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("IOC_WEB__PORT=8555\n", encoding="utf-8")
    assert load_settings().web.port == 8555


def test_test_suite_variables_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_TEST_REQUIRE_SERVICES", "1")
    assert load_settings().web.port == 8050


def test_secret_files_are_settings_named_like_env_vars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "IOC_DATABASE__URL").write_text("postgresql+psycopg://ioc:s3cret@db/ioc\n")
    (secrets / "IOC_MQTT__PASSWORD").write_text("mqtt pass with spaces\n")
    (secrets / "postgres_password").write_text("not ours, ignored")
    monkeypatch.setenv("IOC_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://ioc:s3cret@db/ioc"
    assert settings.mqtt.password == "mqtt pass with spaces"
    monkeypatch.setenv("IOC_MQTT__PASSWORD", "from-env")  # the environment wins
    assert load_settings().mqtt.password == "from-env"


def test_bad_secret_files_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    monkeypatch.setenv("IOC_SECRETS_DIR", str(secrets))
    (secrets / "IOC_MQTT__PORT").write_text("eighty\n")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert [(p.key, p.origin) for p in err.value.problems] == [
        ("mqtt.port", f"secret file {secrets / 'IOC_MQTT__PORT'}")
    ]
    (secrets / "IOC_MQTT__PASWORD").write_text("typo")
    with pytest.raises(ConfigError) as err:
        load_settings()
    [problem] = err.value.problems
    assert (problem.key, problem.message) == ("IOC_MQTT__PASWORD", "unknown setting")
    monkeypatch.setenv("IOC_SECRETS_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="secrets directory not found"):
        load_settings()


def test_var_dir_is_absolute_from_the_start_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative var_dir is resolved once, where the IOC starts, and never again later."""
    monkeypatch.setenv("IOC_VAR_DIR", "state/../var")
    settings = load_settings()
    assert settings.var_dir == tmp_path.resolve() / "var"
    monkeypatch.chdir(tmp_path.parent)
    assert settings.var_dir.is_absolute() and settings.var_dir == tmp_path.resolve() / "var"


def test_public_url_defaults_to_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOC_WEB__PORT", "8062")
    assert load_settings().public_base_url == "http://127.0.0.1:8062"
    monkeypatch.setenv("IOC_INCIDENTS__PUBLIC_URL", "https://old.example/")  # the older name
    assert load_settings().public_base_url == "https://old.example"
    monkeypatch.setenv("IOC_WEB__PUBLIC_URL", "https://ioc.lamdong.gov.vn/")
    assert load_settings().public_base_url == "https://ioc.lamdong.gov.vn"
    monkeypatch.delenv("IOC_WEB__PUBLIC_URL")
    monkeypatch.delenv("IOC_INCIDENTS__PUBLIC_URL")
    monkeypatch.setenv("IOC_WEB__HOST", "::1")
    assert load_settings().public_base_url == "http://[::1]:8062"


def test_forwarded_allow_ips_are_addresses_networks_or_any(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IOC_WEB__FORWARDED_ALLOW_IPS", "127.0.0.1, 10.0.0.0/8")
    assert [str(n) for n in load_settings().web.forwarded_networks() or []] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
    ]
    monkeypatch.setenv("IOC_WEB__FORWARDED_ALLOW_IPS", "*")
    assert load_settings().web.forwarded_networks() is None
    monkeypatch.setenv("IOC_WEB__FORWARDED_ALLOW_IPS", "nginx.local")
    with pytest.raises(ConfigError, match="not an address or network"):
        load_settings()
