"""Typed, frozen configuration: ``logwatch.yaml`` defaults, each key overridable by an environment variable.

The variable for key ``KEY`` of section ``SECTION`` is ``SECTION_KEY`` in upper case (``KAFKA_BOOTSTRAP_SERVERS``,
``TOPICS_ALERTS``, ``NLP_MODEL_PATH``); ``LOGWATCH_VAR_DIR`` moves all runtime state and ``LOGWATCH_CONFIG``
points at another file. Validation is :mod:`core.yamlfile`'s: one sentence naming the file or variable, the
key and what is allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.contract import Indices, Topics
from core.errors import ConfigError
from core.yamlfile import read_yaml, validate

__all__ = [
    "REPO_ROOT",
    "Config",
    "KafkaConfig",
    "EsConfig",
    "es_hosts",
    "SparkConfig",
    "StreamingConfig",
    "NlpConfig",
    "ApiConfig",
    "AlertingConfig",
    "load_config",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = REPO_ROOT / "logwatch.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaConfig(_Section):
    bootstrap_servers: str = "127.0.0.1:9092"
    controller_port: int = 9093
    heap_mb: int = 512
    request_timeout_ms: int = 10000

    @property
    def port(self) -> int:
        """Port of the first bootstrap server (the one a local broker listens on)."""
        return int(self.bootstrap_servers.split(",")[0].rsplit(":", 1)[1])


def es_hosts(urls: str) -> list[str]:
    """The nodes of ``es.url``: one URL, or a comma-separated list of nodes of one cluster; every client takes
    this list, so a request goes to a node that answers."""
    return [url.strip() for url in urls.split(",") if url.strip()]


class EsConfig(_Section):
    url: str = "http://127.0.0.1:9200"
    heap_mb: int = 1024
    request_timeout_s: float = 10.0
    bulk_chunk_size: int = 2000
    bulk_timeout_s: float = 60.0
    bulk_max_retries: int = 6
    bulk_concurrency: int = Field(default=2, ge=1)

    @field_validator("url")
    @classmethod
    def _node_urls(cls, value: str) -> str:
        for url in es_hosts(value) or [""]:
            try:
                parts = urlsplit(url)
                valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port is not None
            except ValueError:  # a port that is no number
                valid = False
            if not valid:
                raise ValueError(
                    f"{url!r} is no node URL: give scheme, host and port, several nodes separated by commas "
                    "('http://es1:9200, http://es2:9200')"
                )
        return value

    @property
    def hosts(self) -> list[str]:
        """The node URLs of ``url`` (see :func:`es_hosts`)."""
        return es_hosts(self.url)

    @property
    def port(self) -> int:
        """Port of the first node (the one a local node listens on)."""
        return int(urlsplit(self.hosts[0]).port or 9200)


class SparkConfig(_Section):
    master: str = "local[*]"
    max_offsets_per_trigger: int = 20000
    trigger_interval_ms: int = 500
    shuffle_partitions: int = 4
    driver_memory_mb: int = 1536
    # The address executors connect back to the driver at: on a cluster of other hosts, one they can reach.
    driver_host: str = "127.0.0.1"


def _zone_name(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is no time zone; use an IANA name such as UTC or Europe/Berlin") from None
    return name


class StreamingConfig(_Section):
    rules_file: str = "streaming/rules.yaml"
    # The zone of timestamps that name none (syslog, Apache error logs, most application logs).
    time_zone: str = "UTC"
    # Services (Kafka keys) whose zone-less timestamps are in another zone: "payment=Europe/Berlin, b=Asia/Tokyo".
    service_time_zones: str = ""
    # The pipeline-stalled alert: logs arrived and no index batch finished for this long.
    stalled_after_s: float = 60.0

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)

    @field_validator("service_time_zones")
    @classmethod
    def _known_zones(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            service, equals, zone = item.partition("=")
            if not equals or not service.strip():
                raise ValueError("must be a list such as 'payment=Europe/Berlin, legacy=UTC'")
            _zone_name(zone.strip())
        return value

    @property
    def zones_by_service(self) -> dict[str, str]:
        """``service_time_zones`` as service -> IANA zone name."""
        pairs = (item.partition("=") for item in self.service_time_zones.split(",") if item.strip())
        return {service.strip(): zone.strip() for service, _, zone in pairs}

    @property
    def rules_path(self) -> Path:
        path = Path(self.rules_file)
        return path if path.is_absolute() else REPO_ROOT / path


class NlpConfig(_Section):
    # Empty: <var_dir>/models/classifier.joblib.
    model_path: str = ""


class ApiConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    # auto: tokens required when listening beyond loopback, or with a public URL or Access configured.
    auth: str = "auto"
    access_team_domain: str = ""
    access_audience: str = ""
    # Comma-separated Access e-mail addresses that may create and end alert silences (others only read).
    access_silencers: str = ""
    access_jwks_ttl_s: float = 3600.0
    rate_limit_per_s: float = 20.0
    rate_limit_burst: int = 60
    search_max_size: int = 500
    search_timeout_ms: int = 5000
    stats_max_buckets: int = 50
    ws_queue_size: int = 1000
    ws_max_clients: int = 200
    ws_max_clients_per_identity: int = 20
    health_stale_s: float = 60.0
    health_timeout_s: float = 2.0

    @property
    def dashboard_base(self) -> str:
        """Where people open the dashboard: ``public_url`` when set, else the API's own address."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


class AlertingConfig(_Section):
    routes_file: str = "alerting/routes.yaml"
    consumer_group: str = "alerting"
    # Per HTTP call to Slack or Telegram.
    send_timeout_s: float = 10.0
    max_attempts: int = 5
    initial_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    # Total time one delivery may spend retrying (Retry-After included) before it goes to the DLQ.
    delivery_deadline_s: float = 120.0
    commit_interval_s: float = 1.0
    status_interval_s: float = 5.0
    silence_refresh_s: float = 5.0
    history_flush_s: float = 1.0
    max_in_flight: int = 1000
    state_retention_s: float = 604800.0


class Config(_Section):
    var_dir: Path = REPO_ROOT / "var"
    kafka: KafkaConfig = Field(default_factory=KafkaConfig)
    es: EsConfig = Field(default_factory=EsConfig)
    spark: SparkConfig = Field(default_factory=SparkConfig)
    streaming: StreamingConfig = Field(default_factory=StreamingConfig)
    nlp: NlpConfig = Field(default_factory=NlpConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    alerting: AlertingConfig = Field(default_factory=AlertingConfig)
    topics: Topics = Field(default_factory=Topics)
    indices: Indices = Field(default_factory=Indices)

    @property
    def model_path(self) -> Path:
        """The classifier artifact: ``nlp.model_path`` (relative to the repository), else under ``var_dir``."""
        if not self.nlp.model_path:
            return self.var_dir / "models" / "classifier.joblib"
        path = Path(self.nlp.model_path).expanduser()
        return path if path.is_absolute() else REPO_ROOT / path

    def as_env(self) -> dict[str, str]:
        """The environment variables that reproduce this config in a child process."""
        env = {"LOGWATCH_VAR_DIR": str(self.var_dir)}
        for section in SECTIONS:
            for name, value in getattr(self, section).model_dump().items():
                env[f"{section.upper()}_{name.upper()}"] = str(value)
        return env


SECTIONS: dict[str, type[BaseModel]] = {
    name: info.annotation  # type: ignore[misc]
    for name, info in Config.model_fields.items()
    if name != "var_dir"
}


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Load the config file (``LOGWATCH_CONFIG`` or ``logwatch.yaml``) with environment overrides.

    :param path: config file to read instead of the default.
    :param env: environment to read overrides from (``os.environ`` when omitted).
    :raises ConfigError: one sentence naming the file or variable, the key and what is allowed.
    """
    env = dict(os.environ) if env is None else env
    path = path or Path(env.get("LOGWATCH_CONFIG", DEFAULT_CONFIG_FILE))
    raw = read_yaml(path, "config file") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections; fix its layout.")
    data: dict[str, Any] = dict(raw)
    renames: dict[str, str] = {}
    for section, model in SECTIONS.items():
        values = data.get(section)
        overrides = {
            name: env[f"{section.upper()}_{name.upper()}"]
            for name in model.model_fields
            if f"{section.upper()}_{name.upper()}" in env
        }
        if overrides and isinstance(values, dict | None):
            data[section] = {**(values or {}), **overrides}
            renames.update({f"{section}.{name}": f"{section.upper()}_{name.upper()}" for name in overrides})
    var_dir = Path(env.get("LOGWATCH_VAR_DIR") or str(data.get("var_dir") or "var"))
    data["var_dir"] = var_dir if var_dir.is_absolute() else REPO_ROOT / var_dir
    return validate(Config, data, str(path), renames)
