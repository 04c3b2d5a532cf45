"""deploy/docker-compose.yml, its Dockerfile and nginx config, checked without Docker: the
structure (services, images, health checks, dependencies, volumes, secrets), every IOC role's
environment loaded by the IOC's own settings loader, every command parsed by the IOC's CLI,
and no secret in plain text. (Debian has no Compose v2 and v1 rejects the current Compose
Spec, so ``docker compose config`` cannot run here: this structural check is the gate.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from ioc.config import env_names
from tests.deploy_support import (
    DEPLOY,
    ROOT,
    ioc_command,
    read_env_file,
    role_settings,
    secret_looking,
)

COMPOSE = DEPLOY / "docker-compose.yml"
TOP_LEVEL = {"name", "services", "volumes", "secrets", "networks", "configs"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
OPERATOR_DIRS = ("./secrets/", "./certs/")  # made by the operator, never committed
DUMMY_URL = "postgresql+psycopg://ioc:dummy@db:5432/ioc"
SECRET_VALUE = re.compile(r"(?i)(?:password|passwd|secret|token)\w*\s*[:=][ \t]*(\S+)")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def ioc_roles(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in services.items() if str(s.get("image", "")).startswith("${IOC_IMAGE")}


def commands(service: dict[str, Any]) -> list[list[str]]:
    """The argv of each program a service runs (``sh -c "a && b"`` gives two)."""
    command = service["command"]
    argv = shlex.split(command) if isinstance(command, str) else [str(c) for c in command]
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def test_top_level_and_images(compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    assert set(compose) - {k for k in compose if k.startswith("x-")} <= TOP_LEVEL
    expected = {"db", "mqtt", "migrate", "serve", "incidents", "nginx"}
    assert expected <= set(services)
    assert {n for n in services if n.startswith("ingest-")} == {"ingest-1", "ingest-2"}
    assert {n for n in services if n.startswith("cameras-")} == {"cameras-0", "cameras-1"}
    assert services["db"]["image"].startswith("postgis/postgis:")
    assert services["mqtt"]["image"].startswith("eclipse-mosquitto:")
    assert services["nginx"]["image"].startswith("nginx:")
    for name, service in services.items():
        image = str(service["image"])
        if image.startswith("${IOC_IMAGE"):
            assert service["build"]["dockerfile"] == "deploy/Dockerfile", name
            assert (COMPOSE.parent / service["build"]["context"] / "deploy/Dockerfile").is_file()
        else:  # third-party images pinned to a release, never "latest"
            assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", image), f"{name}: unpinned image {image}"


def test_dependencies_refer_to_services_that_can_satisfy_them(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, rule in depends.items():
            assert target in services and target != name, f"{name} depends on {target}"
            condition = rule["condition"]
            assert condition in CONDITIONS
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no health check"
            if condition == "service_completed_successfully":
                assert services[target].get("restart") == "no", f"{target} is not a one-shot"
    for role in (
        "serve",
        "ingest-1",
        "ingest-2",
        "cameras-0",
        "cameras-1",
        "incidents",
        "aggregates",
        "maintenance",
    ):
        assert services[role]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_health_checks(services: dict[str, dict[str, Any]]) -> None:
    for name in ("db", "mqtt", "serve", "nginx"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    assert "/readyz" in " ".join(services["serve"]["healthcheck"]["test"])
    assert "nginx-health" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert "nginx-health" in (DEPLOY / "nginx" / "ioc.conf").read_text(encoding="utf-8")


def test_volumes_are_declared_and_mounted_files_exist(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose["volumes"])
    used = set()
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith(("./", "/", "../")):
                if not source.startswith(OPERATOR_DIRS):  # config shipped in the repository
                    assert (COMPOSE.parent / source).exists(), f"{name}: {source} missing"
            else:
                assert source in declared, f"{name}: volume {source} not declared"
                used.add(source)
    assert used == declared  # nothing declared and forgotten
    for source in OPERATOR_DIRS:  # what the operator mounts is never committed
        assert f"deploy/{source[2:]}" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_secrets_are_files_and_nothing_secret_is_plain(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = compose["secrets"]
    for name, spec in declared.items():
        assert set(spec) == {"file"} and spec["file"].startswith("./secrets/"), name
    used = set()
    for name, service in services.items():
        for entry in service.get("secrets", []):
            source = entry if isinstance(entry, str) else entry["source"]
            assert source in declared, f"{name}: secret {source} not declared"
            used.add(source)
        for key, value in service.get("environment", {}).items():
            problem = secret_looking(key, str(value))
            assert problem is None, f"{name}: {problem}"
    assert used == set(declared)
    for number, line in enumerate(COMPOSE.read_text(encoding="utf-8").splitlines(), 1):
        found = SECRET_VALUE.search(line.split("#", 1)[0])
        if found:  # a secret-named key with a value: only a path to a secret file will do
            value = found.group(1).strip("\"'")
            assert value.startswith(("/run/secrets", "./secrets/")), f"line {number}: {line}"


def secret_targets(service: dict[str, Any]) -> dict[str, str]:
    """IOC settings a role reads from secret files: target name → a dummy value."""
    targets = {}
    for entry in service.get("secrets", []):
        target = entry if isinstance(entry, str) else entry.get("target", entry["source"])
        if target.startswith("IOC_"):
            targets[target] = DUMMY_URL if target == "IOC_DATABASE__URL" else "dummy"
    return targets


def test_each_role_loads_its_settings_with_the_ioc_loader(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    province = read_env_file(DEPLOY / "province.env.example")
    roles = ioc_roles(services)
    assert set(roles) >= {"migrate", "serve", "ingest-1", "ingest-2", "cameras-0", "incidents"}
    loaded = {}
    for name, service in roles.items():
        env = {k: str(v) for k, v in service["environment"].items()}
        assert not any("${" in v for v in env.values()), f"{name}: interpolated IOC setting"
        targets = secret_targets(service)
        assert set(targets) <= env_names() | {"IOC_SECRETS_DIR"}, name
        assert "IOC_DATABASE__URL" in targets, f"{name} has no database"
        workdir = tmp_path / name
        workdir.mkdir()
        settings = role_settings(monkeypatch, workdir, {**province, **env}, targets)
        assert settings.database_url == DUMMY_URL
        assert not settings.broker.embedded
        loaded[name] = settings
    ingest = [loaded["ingest-1"].mqtt, loaded["ingest-2"].mqtt]
    # Full subscriptions, no shared group: Mosquitto 2.0.11 loses a shared group's messages
    # across a broker restart (docs/mqtt.md, "Broker restarts").
    assert {m.protocol for m in ingest} == {"5"} and {m.shared_group for m in ingest} == {""}
    assert not loaded["serve"].aggregates.in_web  # the aggregates service refreshes them
    assert ingest[0].client_id != ingest[1].client_id  # each keeps its own broker session
    shards = [loaded[n].camera_worker for n in ("cameras-0", "cameras-1")]
    assert sorted(s.shard_index for s in shards) == [0, 1]
    assert {s.shard_count for s in shards} == {2}
    assert loaded["serve"].web.host == "0.0.0.0"


def test_every_command_is_a_real_ioc_command(services: dict[str, dict[str, Any]]) -> None:
    handlers = {}
    for name, service in ioc_roles(services).items():
        handlers[name] = [ioc_command(argv) for argv in commands(service)]
    roles = "ioc.commands.start"
    assert handlers["serve"] == [f"{roles}.serve_dashboard"]
    assert handlers["ingest-1"] == handlers["ingest-2"] == [f"{roles}.run_ingest"]
    assert handlers["cameras-0"] == handlers["cameras-1"] == ["ioc.commands.cameras.run_worker"]
    assert handlers["incidents"] == ["ioc.incidents.commands.run_worker"]
    assert handlers["aggregates"] == [f"{roles}.run_aggregates"]
    assert handlers["maintenance"] == [f"{roles}.run_maintenance"]
    assert handlers["migrate"] == [
        "ioc.commands.db.db_upgrade",
        "ioc.geography.commands.units_seed",
    ]
    assert services["serve"]["command"][-1] == "--gunicorn"


def test_nginx_proxies_to_the_serve_role(services: dict[str, dict[str, Any]]) -> None:
    conf = (DEPLOY / "nginx" / "ioc.conf").read_text(encoding="utf-8")
    assert conf.count("{") == conf.count("}")
    port = services["serve"]["environment"]["IOC_WEB__PORT"]
    assert f"server serve:{port};" in conf
    certs = [m for m in services["nginx"]["volumes"] if m.startswith("./certs/nginx:")]
    mounted = certs[0].split(":")[1]
    assert f"ssl_certificate {mounted}/" in conf and f"ssl_certificate_key {mounted}/" in conf
    assert "X-Forwarded-For" in conf and "X-Forwarded-Proto" in conf
    assert services["serve"]["environment"]["IOC_WEB__FORWARDED_ALLOW_IPS"]
    assert not services["serve"].get("ports"), "the dashboard is reached through nginx only"
    assert not services["db"].get("ports"), "the database is never published"


def test_dockerfile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert stages and all(image == "python:3.11-slim" for image in stages)
    assert "pip install -r /tmp/requirements.txt" in text
    assert "COPY requirements.txt" in text
    users = re.findall(r"^USER (\S+)", text, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    env = dict(re.findall(r"(IOC_\w+)=(\S+)", text))
    assert env and role_settings(monkeypatch, tmp_path, env).var_dir == Path(env["IOC_VAR_DIR"])
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", "var", ".env", "deploy/secrets", "deploy/certs"} <= set(ignored)
