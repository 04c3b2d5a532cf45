"""deploy/systemd: each unit's ExecStart is a real ``ioc`` sub-command, its environment (with
the shared /etc/ioc/ioc.env and its credentials) loads with the IOC's own settings loader,
the hardening is there, and ``systemd-analyze verify`` finds nothing to say."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from ioc.config import ConfigError, Settings, env_names
from tests.deploy_support import (
    DEPLOY,
    ioc_command,
    read_env_file,
    role_settings,
    split_assignments,
)

UNITS = DEPLOY / "systemd"
ROLES = {  # unit file → the handlers its ExecStart lines must reach
    "ioc-serve.service": ["ioc.commands.start.serve_dashboard"],
    "ioc-ingest@.service": ["ioc.commands.start.run_ingest"],
    "ioc-cameras@.service": ["ioc.commands.cameras.run_worker"],
    "ioc-incidents.service": ["ioc.incidents.commands.run_worker"],
    "ioc-aggregates.service": ["ioc.commands.start.run_aggregates"],
    "ioc-maintenance.service": ["ioc.commands.start.run_maintenance"],
    "ioc-connectors.service": ["ioc.connectors.commands.connectors_run"],
    "ioc-migrate.service": ["ioc.commands.db.db_upgrade", "ioc.geography.commands.units_seed"],
}
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "CapabilityBoundingSet": "",
}
Unit = dict[str, dict[str, list[str]]]


def parse_unit(path: Path) -> Unit:
    """Sections of a unit file; every key keeps all its values (Environment= repeats)."""
    sections: Unit = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], defaultdict(list))
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not Key=Value: {line!r}"
        current[key.strip()].append(value.strip())
    return sections


def one(unit: Unit, section: str, key: str) -> str:
    [value] = unit[section][key]
    return value


def unit_env(unit: Unit, instance: str, credentials: Path) -> dict[str, str]:
    """The environment systemd gives the unit: its EnvironmentFile, then Environment= lines."""
    [env_file] = unit["Service"]["EnvironmentFile"]
    assert env_file == "/etc/ioc/ioc.env"
    env = read_env_file(UNITS / "ioc.env.example")
    for line in unit["Service"]["Environment"]:
        expanded = line.replace("%i", instance).replace("%d", str(credentials))
        env.update(split_assignments(expanded))
    return env


def credentials(unit: Unit) -> dict[str, str]:
    """LoadCredential= names (each an IOC setting) → dummy values."""
    found = {}
    for entry in unit["Service"].get("LoadCredential", []):
        name, _, source = entry.partition(":")
        assert source.startswith("/etc/ioc/secrets/"), entry
        found[name] = "postgresql+psycopg://ioc:dummy@db/ioc" if "DATABASE" in name else "dummy"
    return found


def settings_of(
    name: str, instance: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Settings:
    unit = parse_unit(UNITS / name)
    workdir = tmp_path / f"{name}-{instance}"
    workdir.mkdir()
    env = unit_env(unit, instance, workdir / "secrets")
    return role_settings(monkeypatch, workdir, env, credentials(unit))


@pytest.mark.parametrize("name", sorted(ROLES))
def test_unit_runs_a_real_ioc_command_hardened(name: str) -> None:
    unit = parse_unit(UNITS / name)
    argvs = [shlex.split(line) for line in unit["Service"]["ExecStart"]]
    assert all(argv[0] == "/opt/ioc/venv/bin/ioc" for argv in argvs)
    assert [ioc_command(argv) for argv in argvs] == ROLES[name]
    service = unit["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == [value], f"{name}: {key}"
    var_dir = read_env_file(UNITS / "ioc.env.example")["IOC_VAR_DIR"]
    assert var_dir in " ".join(service["ReadWritePaths"]).split()
    assert one(unit, "Service", "User") not in ("root", "0")
    if name == "ioc-migrate.service":  # started by hand, on one host, never with the target
        assert one(unit, "Service", "Type") == "oneshot" and "Install" not in unit
    else:
        assert one(unit, "Unit", "PartOf") == "ioc.target"
        assert one(unit, "Install", "WantedBy") == "ioc.target"
    assert ("%i" in (UNITS / name).read_text(encoding="utf-8")) == ("@" in name)
    for entry in service.get("LoadCredential", []):
        assert entry.split(":")[0] in env_names(), entry


def test_serve_unit_runs_gunicorn_with_sd_notify() -> None:
    unit = parse_unit(UNITS / "ioc-serve.service")
    assert one(unit, "Service", "Type") == "notify"
    assert one(unit, "Service", "ExecStart").endswith("serve --gunicorn")


@pytest.mark.parametrize(
    ("name", "instance"),
    [
        ("ioc-serve.service", ""),
        ("ioc-ingest@.service", "1"),
        ("ioc-ingest@.service", "2"),
        ("ioc-cameras@.service", "0"),
        ("ioc-cameras@.service", "1"),
        ("ioc-incidents.service", ""),
        ("ioc-aggregates.service", ""),
        ("ioc-maintenance.service", ""),
        ("ioc-connectors.service", ""),
        ("ioc-migrate.service", ""),
    ],
)
def test_unit_environment_loads(
    name: str, instance: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = settings_of(name, instance, monkeypatch, tmp_path)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert not settings.broker.embedded
    if name.startswith("ioc-ingest"):
        assert settings.mqtt.client_id == f"ioc-ingest-{instance}"
        # No shared group on Debian 12's Mosquitto 2.0.11 (docs/mqtt.md, "Broker restarts").
        assert (settings.mqtt.shared_group, settings.mqtt.protocol) == ("", "5")
        assert settings.mqtt.password == "dummy"
    if name.startswith("ioc-cameras"):
        cw = settings.camera_worker
        assert (cw.shard_index, cw.shard_count) == (int(instance), 2)


def test_a_camera_instance_beyond_the_shard_count_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="below shard_count 2"):
        settings_of("ioc-cameras@.service", "2", monkeypatch, tmp_path)


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed (the units are parsed above)")
    stub = tmp_path / "bin" / "ioc"  # verify wants ExecStart's program to exist
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\n", encoding="utf-8")
    stub.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for path in [*UNITS.glob("*.service"), UNITS / "ioc.target"]:
        text = path.read_text(encoding="utf-8").replace("/opt/ioc/venv/bin/ioc", str(stub))
        (units / path.name).write_text(text, encoding="utf-8")
    names = ["ioc-serve.service", "ioc-ingest@1.service", "ioc-cameras@0.service"]
    names += ["ioc-incidents.service", "ioc-migrate.service", "ioc.target"]
    result = subprocess.run(
        [analyze, "verify", *[str(units / n) for n in names]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "", (
        result.stderr or result.stdout
    )
