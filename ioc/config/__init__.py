"""One typed settings tree for every role of the IOC.

Settings come, highest priority first, from keyword arguments, environment variables
``IOC_*`` (nested with ``__``, e.g. ``IOC_DATABASE__URL``), secret files named like those
variables in ``IOC_SECRETS_DIR`` (:mod:`ioc.secret_files`), a ``.env`` file and a YAML file
(``IOC_CONFIG`` or ``--config``). Every field has a default, so the IOC runs with no
configuration at all: an SQLite file and an in-process MQTT broker under the var directory.
Unknown keys are rejected wherever they come from, and :func:`explain_errors` says where each
bad value came from.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from ioc.config.audit import AuditSettings
from ioc.config.auth import AuthSettings
from ioc.config.connectors import ConnectorSettings
from ioc.config.incidents import IncidentSettings
from ioc.config.reports import ReportsSettings
from ioc.config.scene_change import SceneChangeSettings
from ioc.config.section import Section as Section  # every room's sections subclass it
from ioc.secret_files import SECRETS_ENV, SecretFiles, read_secret_files

ENV_PREFIX = "IOC_"
ENV_NESTED = "__"
CONFIG_ENV = "IOC_CONFIG"
_YAML_FILE: ContextVar[str | None] = ContextVar("ioc_yaml_file", default=None)
_SECRETS: ContextVar[SecretFiles | None] = ContextVar("ioc_secret_files", default=None)
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


class DatabaseSettings(Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL. Empty: embedded SQLite at <var_dir>/ioc.db. "
        "PostGIS: postgresql+psycopg://user:pass@host:5432/ioc",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging only).")


class MqttSettings(Section):
    host: str = Field("127.0.0.1", description="Broker host the ingest worker connects to.")
    port: int = Field(18830, ge=1, le=65535, description="Broker port (embedded default 18830).")
    username: str = Field("", description="Broker user name; empty for anonymous.")
    password: str = Field("", description="Broker password.")
    tls: bool = Field(False, description="Connect with TLS.")
    ca_file: str = Field("", description="CA bundle for TLS; empty uses the system store.")
    client_id: str = Field("ioc-ingest", description="MQTT client id of the ingest worker.")
    topic_prefix: str = Field("ioc/v1", description="Root of the versioned topic scheme.")
    qos: Literal[0, 1] = Field(1, description="QoS of the ingest subscriptions.")
    keepalive_s: int = Field(30, ge=5, description="MQTT keep-alive in seconds.")
    protocol: Literal["3.1.1", "5"] = Field(
        "3.1.1", description="MQTT protocol version (5 enables shared subscriptions)."
    )
    session_expiry_s: int = Field(
        7 * 24 * 3600,
        ge=0,
        description=(
            "MQTT v5: how long the broker keeps the worker's session (its subscriptions and "
            "queued messages) while the worker is away; matches the shipped broker's "
            "persistent_client_expiration of 7 days."
        ),
    )
    receive_maximum: int = Field(
        10_000,
        ge=1,
        le=65535,
        description="MQTT v5: unacknowledged messages the broker may have in flight to us.",
    )
    shared_group: str = Field(
        "", description="MQTT v5 shared-subscription group; empty subscribes normally."
    )


class BrokerSettings(Section):
    embedded: bool = Field(
        True, description="python app.py starts an in-process broker (amqtt) on host:port."
    )
    host: str = Field("127.0.0.1", description="Address the embedded broker listens on.")
    port: int = Field(18830, ge=1, le=65535, description="Port of the embedded broker.")


class IngestSettings(Section):
    batch_size: int = Field(500, ge=1, le=100_000, description="Rows written per batch.")
    max_latency_s: float = Field(
        0.25, gt=0, le=30, description="Longest a message waits before its batch is written."
    )
    stats_interval_s: float = Field(
        5, gt=0, description="How often the worker puts its counters in the store."
    )
    queue_max: int = Field(
        20_000, ge=100, description="Messages held in memory before the worker pushes back."
    )
    max_payload_bytes: int = Field(
        256 * 1024, ge=1024, description="Payloads larger than this are dead-lettered."
    )
    dead_letter_keep_bytes: int = Field(
        8192, ge=0, description="How much of a rejected payload is kept in the dead-letter table."
    )
    future_tolerance_s: float = Field(
        300, ge=0, description="Timestamps further in the future than this are rejected."
    )


class CameraStatusSettings(Section):
    offline_after_s: float = Field(
        90, gt=0, description="A camera with no heartbeat for this long is shown offline."
    )
    alarm_hold_s: float = Field(
        600, gt=0, description="A camera stays in alarm this long after its last detection."
    )


FRAME_KEYS = {
    "confirm_m": "confirm_window_s",
    "detect_every": "detect_every_s",
    "frozen_frames": "frozen_s",
}
"""Camera-worker keys that counted frames, and the key in seconds that replaced each."""


class CameraWorkerSettings(Section):
    """The camera worker (``ioc cameras``): capture, analysis and confirmation."""

    snapshots_subdir: str = Field("snapshots", description="Under var_dir: snapshots and strips.")
    analysis_fps: float = Field(2.0, gt=0, le=30, description="Frames analysed per second.")
    analysis_width: int = Field(
        1024,
        ge=160,
        le=4096,
        description="Analysis frame width (px); a distant plume needs about 1000 px.",
    )
    motion_width: int = Field(160, ge=32, le=640, description="Motion-gate frame width (px).")
    detectors: list[str] = Field(
        default_factory=lambda: ["plume", "smoke", "fire"],
        description="Detector names, in order.",
    )
    onnx_model: str = Field("", description="Path of a YOLO-style ONNX model for 'onnx'.")
    confirm_n: int = Field(
        3, ge=1, description="Detections of one region needed within confirm_window_s."
    )
    confirm_window_s: float = Field(
        180,
        gt=0,
        description="Seconds in which confirm_n detections of a region must fall (covers "
        "three frames of a one-frame-a-minute camera and a few seconds of video alike).",
    )
    confirm_ratio: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the region's analysed frames in the window that must hit.",
    )
    cooldown_s: float = Field(300, ge=0, description="Quiet time per camera region after an event.")
    reconnect_min_s: float = Field(1, gt=0, description="First reconnect delay of a dead stream.")
    reconnect_max_s: float = Field(60, gt=0, description="Longest reconnect delay.")
    heartbeat_interval_s: float = Field(10, gt=0, description="Seconds between heartbeats.")
    motion_threshold: int = Field(
        10, ge=1, le=255, description="Grey-level change that counts as motion (0-255)."
    )
    detect_every_s: float = Field(
        5,
        gt=0,
        description="Run the detectors at least this often (seconds) even without motion.",
    )
    frozen_s: float = Field(
        30, gt=0, description="A picture unchanged for this long (seconds) is 'frozen'."
    )
    plume_width: int = Field(
        1024, ge=160, le=4096, description="Width (px) the distant-plume detector works at."
    )
    plume_background_s: float = Field(
        600, gt=0, description="Time constant (seconds) of the plume detector's background."
    )
    plume_every_s: float = Field(
        10, ge=0, description="The plume detector looks at most this often (seconds)."
    )
    plume_warmup_s: float = Field(
        600, ge=0, description="Seconds of a camera's picture learned before plumes are sought."
    )
    plume_memory_s: float = Field(
        300, gt=0, description="How long (seconds) a plume candidate is remembered for growth."
    )
    plume_z_threshold: float = Field(
        4.0, gt=0, description="Change, in units of each pixel's own noise, that counts."
    )
    strip_frames: int = Field(5, ge=1, le=16, description="Frames tiled into the event strip.")
    jpeg_quality: int = Field(85, ge=10, le=100, description="JPEG quality of snapshots.")
    loop_files: bool = Field(True, description="A file source starts over at its end.")
    client_id: str = Field("ioc-cameras", description="MQTT client id prefix of the worker.")
    onnx_classes: list[str] = Field(
        default_factory=list,
        description="Class names of the ONNX model's outputs, in order (smoke/fire kept); "
        "empty: the names an Ultralytics export carries, else smoke, fire.",
    )
    onnx_input_size: int = Field(
        640,
        ge=32,
        le=2048,
        description="ONNX model input size (px), when the model leaves it open.",
    )
    onnx_confidence: float = Field(0.4, gt=0, le=1, description="ONNX score threshold.")
    onnx_runtime: Literal["auto", "onnxruntime", "opencv"] = Field(
        "auto",
        description="Where the ONNX model runs: onnxruntime, OpenCV's DNN module, or auto "
        "(onnxruntime when installed).",
    )
    onnx_tile: int = Field(
        0,
        ge=0,
        le=4096,
        description="Tile side (px of the analysed frame) the ONNX model runs on, so a "
        "distant plume keeps its pixels; 0: the whole frame in one pass.",
    )
    onnx_tile_overlap: float = Field(
        0.2, ge=0, le=0.75, description="Share of an ONNX tile shared with its neighbour."
    )
    onnx_tile_whole: bool = Field(
        True,
        description="With tiles, also one pass on the whole frame (plumes larger than a tile).",
    )
    shard_count: int = Field(
        1, ge=1, le=1000, description="Camera workers splitting the cameras; 1: this one takes all."
    )
    shard_index: int = Field(
        0,
        ge=0,
        description="This worker's shard, 0 to shard_count-1 (a stable hash of camera ids).",
    )
    stats_interval_s: float = Field(
        10, gt=0, description="How often the worker puts its counters in the store (/metrics)."
    )
    assignment: Literal["static", "lease"] = Field(
        "static",
        description="static: the shard_index of shard_count by a hash of the camera id; "
        "lease: workers claim fair shares of the cameras in the database and take over a "
        "stopped worker's cameras when its leases expire (shard settings ignored).",
    )
    lease_s: float = Field(
        30, ge=3, le=3600, description="Lease of a camera (lease mode), renewed every third."
    )
    scene: SceneChangeSettings = Field(
        default_factory=SceneChangeSettings,
        description="Scene change over days (construction, forest clearing): camera/scene.",
    )

    @model_validator(mode="before")
    @classmethod
    def _renamed_keys(cls, data: Any) -> Any:
        """Keys that counted frames are gone; say which key in seconds replaces each."""
        if isinstance(data, Mapping):
            for old, new in FRAME_KEYS.items():
                if old in data:
                    raise ValueError(
                        f"camera_worker.{old} counted frames and is gone: use {new} "
                        f"(seconds) instead (đã thay bằng {new}, tính bằng giây)"
                    )
        return data

    @field_validator("shard_index")
    @classmethod
    def _shard_in_range(cls, value: int, info: ValidationInfo) -> int:
        count = info.data.get("shard_count", 1)
        if value >= count:
            raise ValueError(
                f"shard_index {value} must be below shard_count {count} "
                f"(phải nhỏ hơn số phân đoạn {count})"
            )
        return value


class WebSettings(Section):
    host: str = Field("127.0.0.1", description="Address the dashboard listens on.")
    port: int = Field(8050, ge=1, le=65535, description="Port of the dashboard.")
    refresh_s: float = Field(2.0, ge=0.5, description="How often pages poll for changes.")
    language: Literal["vi", "en"] = Field("vi", description="Default interface language.")
    debug: bool = Field(False, description="Dash debug mode (never in production).")
    mbtiles: str = Field(
        "", description="Optional MBTiles file of raster tiles drawn under the maps (self-hosted)."
    )
    workers: int = Field(
        0,
        ge=0,
        le=64,
        description="Dashboard processes under gunicorn (ioc serve --gunicorn); 0: from the CPUs.",
    )
    threads: int = Field(4, ge=1, le=64, description="Threads of each gunicorn process.")
    warm_up: bool = Field(
        True,
        description="Before a serving process takes requests, draw the overview, one unit, the "
        "wall and the leader view once (read-only), so its first visitors do not wait for "
        "set-up.",
    )
    public_url: str = Field(
        "",
        description="Address people open the dashboard at (e.g. https://ioc.lamdong.gov.vn), "
        "used in the links of alerts and kiosk URLs; empty: the address served, "
        "http://<web.host>:<web.port>.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies (comma-separated addresses or networks, or *) whose "
        "X-Forwarded-Proto is believed: https from them makes cookies Secure and adds HSTS, "
        "under gunicorn and the built-in server alike.",
    )

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_list(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip() not in ("", "*"):
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"not an address or network: {part.strip()!r}") from None
        return value

    def forwarded_networks(self) -> list[IPNetwork] | None:
        """The proxies of ``forwarded_allow_ips``; None when it is ``*`` (any peer)."""
        parts = [p.strip() for p in self.forwarded_allow_ips.split(",") if p.strip()]
        if "*" in parts:
            return None
        return [ipaddress.ip_network(p, strict=False) for p in parts]

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(
                f"{value!r} must start with http:// or https:// (phải bắt đầu bằng http(s)://)"
            )
        return value


class AggregatesSettings(Section):
    """The shared dashboard aggregates (KPI counts, report layer and counts)."""

    refresh_s: float = Field(
        30, ge=1, le=3600, description="How often the refresher recomputes the shared aggregates."
    )
    in_web: bool = Field(
        False,
        description="Also run a refresher inside every web process; they take turns through "
        "one database lock (for deployments without a separate `ioc aggregates`).",
    )


class SimulatorSettings(Section):
    heartbeat_interval_s: float = Field(10, gt=0, description="Seconds between heartbeats.")
    detection_interval_s: float = Field(
        40, gt=0, description="Mean seconds between simulated smoke/fire detections."
    )
    reading_interval_s: float = Field(
        15, gt=0, description="Seconds between readings of each simulated station."
    )
    report_interval_s: float = Field(
        30, gt=0, description="Seconds between simulated citizen reports."
    )
    dossier_interval_s: float = Field(
        5, gt=0, description="Seconds between simulated dossier events (0 units: none)."
    )
    offline_share: float = Field(
        0.1, ge=0, le=1, description="Share of simulated cameras that stay silent (offline)."
    )
    seed: int = Field(68, description="Random seed, so a demo is repeatable.")
    field_officer: bool = Field(
        True,
        description="Run the simulated field officer, who acknowledges, dispatches and closes "
        "incidents nobody has touched (false: people do it all).",
    )


class RetentionSettings(Section):
    """How long time-keyed rows and snapshot files are kept (``ioc retention run``)."""

    detections_months: int = Field(
        12, ge=0, description="Months of camera detections kept (0: keep forever)."
    )
    sensor_readings_months: int = Field(
        6, ge=0, description="Months of sensor readings kept (0: keep forever)."
    )
    audit_log_months: int = Field(
        0, ge=0, description="Months of the audit log kept (0: keep forever, the default)."
    )
    snapshot_days: int = Field(
        90, ge=0, description="Days detection snapshots stay on disk (0: keep forever)."
    )
    clip_days: int = Field(
        30, ge=0, description="Days detection clips (frame strips, videos) stay on disk (0: keep)."
    )
    months_ahead: int = Field(
        3, ge=1, le=36, description="PostGIS: monthly partitions created ahead of time."
    )
    enabled: bool = Field(
        True, description="Run retention daily (and at start) in python app.py / ioc maintenance."
    )
    interval_h: float = Field(24, gt=0, description="Hours between scheduled retention runs.")

    def keep_months(self, table: str) -> int:
        """Months of ``table`` kept (0: forever; tables without a setting are kept)."""
        months = {
            "detections": self.detections_months,
            "sensor_readings": self.sensor_readings_months,
            "audit_log": self.audit_log_months,
        }
        return months.get(table, 0)


class Settings(BaseSettings):
    """The whole configuration of one IOC installation."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED,
        env_file=".env",
        extra="forbid",
        validate_assignment=True,
    )

    var_dir: Path = Field(Path("var"), description="Runtime state: database file, snapshots.")
    province_code: str = Field("68", description="GSO code of the province (68 = Lâm Đồng).")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    mqtt: MqttSettings = Field(default_factory=MqttSettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    cameras: CameraStatusSettings = Field(default_factory=CameraStatusSettings)
    reports: ReportsSettings = Field(default_factory=ReportsSettings)
    camera_worker: CameraWorkerSettings = Field(default_factory=CameraWorkerSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    aggregates: AggregatesSettings = Field(default_factory=AggregatesSettings)
    simulator: SimulatorSettings = Field(default_factory=SimulatorSettings)
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    connectors: ConnectorSettings = Field(default_factory=ConnectorSettings)

    @field_validator("var_dir")
    @classmethod
    def _var_dir_absolute(cls, value: Path) -> Path:
        """Resolved once, against the directory the IOC starts in: code that later joins a
        path under it (Flask's ``send_file`` resolves relative paths from its package
        folder) then finds the same files."""
        return value.expanduser().resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        secrets = _SECRETS.get()
        if secrets is not None:
            sources.append(SecretFilesSource(settings_cls, secrets.values))
        sources.append(dotenv_settings)
        yaml_path = _YAML_FILE.get() or os.environ.get(CONFIG_ENV)
        if yaml_path:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_path))
        return tuple(sources)

    @property
    def public_base_url(self) -> str:
        """The one base of links to the dashboard (no trailing slash): ``web.public_url``,
        else the older ``incidents.public_url``, else the address served."""
        chosen = self.web.public_url or self.incidents.public_url or served_url(self.web)
        return chosen.rstrip("/")

    @property
    def database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under ``var_dir``."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.var_dir / 'ioc.db').resolve()}"


def served_url(web: WebSettings) -> str:
    """``http://host:port`` of the dashboard; a wildcard address names this machine."""
    host = web.host
    if host in WILDCARD_HOSTS:
        host = socket.gethostname() or "127.0.0.1"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{web.port}"


class SecretFilesSource(EnvSettingsSource):
    """Values of secret files, read exactly like environment variables of the same names."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, str]) -> None:
        self._values = {name.lower(): value for name, value in values.items()}
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._values)


@dataclass(frozen=True)
class ConfigProblem:
    """One bad setting: its dotted key, what is wrong and where the value came from."""

    key: str
    message: str
    origin: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message} (from {self.origin})"


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Read settings from all sources; raise :class:`ConfigError` naming each bad key's origin."""
    yaml_path = str(config_file) if config_file is not None else os.environ.get(CONFIG_ENV)
    secrets_dir = os.environ.get(SECRETS_ENV)
    secrets = read_secret_files(Path(secrets_dir)) if secrets_dir else None
    problems = _unknown_env_keys(os.environ) + _yaml_problems(yaml_path)
    if secrets is not None:
        problems += _secret_problems(secrets)
    if problems:
        raise ConfigError(problems)
    token, secrets_token = _YAML_FILE.set(yaml_path), _SECRETS.set(secrets)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(explain_errors(exc, os.environ, yaml_path, secrets)) from exc
    finally:
        _YAML_FILE.reset(token)
        _SECRETS.reset(secrets_token)


def explain_errors(
    exc: ValidationError,
    environ: Mapping[str, str],
    yaml_path: str | None = None,
    secrets: SecretFiles | None = None,
) -> list[ConfigProblem]:
    """Turn a pydantic error into problems that say which source set each bad key."""
    problems = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        origin = _origin_of(key, environ, yaml_path, secrets)
        problems.append(ConfigProblem(key, err["msg"], origin))
    return problems


def _origin_of(
    key: str, environ: Mapping[str, str], yaml_path: str | None, secrets: SecretFiles | None
) -> str:
    env_name = ENV_PREFIX + key.replace(".", ENV_NESTED).upper()
    section_env = ENV_PREFIX + key.split(".", maxsplit=1)[0].upper()
    for name in (env_name, section_env):
        if name in environ:
            return f"environment variable {name}"
    for name in (env_name, section_env):
        if secrets is not None and name in secrets.values:
            return f"secret file {secrets.path_of(name)}"
    dotenv = Path(".env")
    if dotenv.is_file() and env_name in dotenv.read_text(encoding="utf-8"):
        return f".env file {dotenv.resolve()}"
    if yaml_path:
        return f"YAML file {yaml_path}, key {key}"
    return "defaults"


def _field_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _field_paths(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def known_keys() -> set[str]:
    """Every dotted key the settings tree accepts (``database.url``, ``web.port``...)."""
    return set(_field_paths(Settings))


def env_names() -> set[str]:
    """Every environment variable name that sets a key or a whole section (``IOC_WEB``)."""
    keys = known_keys()
    names = {ENV_PREFIX + k.replace(".", ENV_NESTED).upper() for k in keys}
    return names | {ENV_PREFIX + k.split(".")[0].upper() for k in keys if "." in k}


def _unknown_env_keys(environ: Mapping[str, str]) -> list[ConfigProblem]:
    known = env_names()
    problems = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in known:
            continue
        if upper in (CONFIG_ENV, SECRETS_ENV) or upper.startswith("IOC_TEST_"):  # the tests'
            continue
        problems.append(ConfigProblem(name, "unknown setting", f"environment variable {name}"))
    return problems


def _secret_problems(secrets: SecretFiles) -> list[ConfigProblem]:
    problems = [
        ConfigProblem(name, reason, f"secret file {secrets.path_of(name)}")
        if name
        else ConfigProblem(
            SECRETS_ENV, f"{reason}: {secrets.directory}", f"environment variable {SECRETS_ENV}"
        )
        for name, reason in secrets.errors.items()
    ]
    known = env_names()
    for name in sorted(set(secrets.values) - known):
        origin = f"secret file {secrets.path_of(name)}"
        problems.append(ConfigProblem(name, "unknown setting", origin))
    return problems


def _yaml_problems(path: str | None) -> list[ConfigProblem]:
    if not path:
        return []
    origin = f"YAML file {path}"
    file = Path(path)
    if not file.is_file():
        return [ConfigProblem("config", "file not found", origin)]
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [ConfigProblem("config", f"not valid YAML: {exc}", origin)]
    if data is None:
        return []
    if not isinstance(data, dict):
        return [ConfigProblem("config", "the top level must be a mapping of keys", origin)]
    return []
