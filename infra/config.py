"""Typed, frozen configuration: `logwatch.yaml` defaults, each key overridable by an environment variable."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from infra.errors import ConfigError

__all__ = [
    "REPO_ROOT",
    "Config",
    "KafkaConfig",
    "EsConfig",
    "SparkConfig",
    "StreamingConfig",
    "ApiConfig",
    "AlertingConfig",
    "load_config",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = REPO_ROOT / "logwatch.yaml"


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    controller_port: int = 9093
    heap_mb: int = 512
    request_timeout_ms: int = 10000

    @property
    def port(self) -> int:
        """Port of the first bootstrap server (the one a local broker listens on)."""
        return int(self.bootstrap_servers.split(",")[0].rsplit(":", 1)[1])


@dataclass(frozen=True)
class EsConfig:
    url: str = "http://127.0.0.1:9200"
    heap_mb: int = 1024
    index_prefix: str = "logs_classified"
    request_timeout_s: float = 10.0
    bulk_chunk_size: int = 2000
    bulk_timeout_s: float = 60.0
    bulk_max_retries: int = 6

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])


@dataclass(frozen=True)
class SparkConfig:
    master: str = "local[*]"
    max_offsets_per_trigger: int = 20000
    trigger_interval_ms: int = 500
    shuffle_partitions: int = 4
    driver_memory_mb: int = 1536


@dataclass(frozen=True)
class StreamingConfig:
    rules_file: str = "streaming/rules.yaml"
    rules_trigger_interval_ms: int = 2000

    @property
    def rules_path(self) -> Path:
        path = Path(self.rules_file)
        return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class ApiConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    # auto: tokens required when listening beyond loopback, or with a public URL or Access configured.
    auth: str = "auto"
    access_team_domain: str = ""
    access_audience: str = ""
    access_jwks_ttl_s: float = 3600.0
    rate_limit_per_s: float = 20.0
    rate_limit_burst: int = 60
    search_max_size: int = 500
    search_timeout_ms: int = 5000
    stats_max_buckets: int = 50
    tail_topic: str = "logs.classified"
    ws_queue_size: int = 1000
    ws_max_clients: int = 200
    health_stale_s: float = 60.0
    health_timeout_s: float = 2.0
    alerts_index: str = "alerts"


@dataclass(frozen=True)
class AlertingConfig:
    routes_file: str = "alerting/routes.yaml"
    consumer_group: str = "alerting"
    topic: str = "alerts"
    dlq_topic: str = "alerts.dlq"
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


@dataclass(frozen=True)
class Config:
    var_dir: Path = REPO_ROOT / "var"
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    es: EsConfig = field(default_factory=EsConfig)
    spark: SparkConfig = field(default_factory=SparkConfig)
    streaming: StreamingConfig = field(default_factory=StreamingConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    alerting: AlertingConfig = field(default_factory=AlertingConfig)

    def as_env(self) -> dict[str, str]:
        """The environment variables that reproduce this config in a child process."""
        env = {"LOGWATCH_VAR_DIR": str(self.var_dir)}
        for section in SECTIONS:
            for f in dataclasses.fields(getattr(self, section)):
                env[f"{section.upper()}_{f.name.upper()}"] = str(getattr(getattr(self, section), f.name))
        return env


SECTIONS: dict[str, type[Any]] = {
    "kafka": KafkaConfig,
    "es": EsConfig,
    "spark": SparkConfig,
    "streaming": StreamingConfig,
    "api": ApiConfig,
    "alerting": AlertingConfig,
}


def _convert(value: Any, kind: Any, where: str) -> Any:
    try:
        if kind is bool:
            if isinstance(value, str):
                if value.lower() not in ("1", "true", "yes", "0", "false", "no"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes")
            return bool(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where} must be a {kind.__name__}, got {value!r}: fix the value.") from None


def _section(cls: type[Any], raw: dict[str, Any], prefix: str, env: dict[str, str], source: str) -> Any:
    hints = get_type_hints(cls)
    unknown = set(raw) - set(hints)
    if unknown:
        raise ConfigError(f"{source}: unknown key {prefix.lower()}.{sorted(unknown)[0]}; remove or rename it.")
    values: dict[str, Any] = {}
    for name, kind in hints.items():
        env_name = f"{prefix}_{name.upper()}"
        if env_name in env:
            values[name] = _convert(env[env_name], kind, env_name)
        elif name in raw:
            values[name] = _convert(raw[name], kind, f"{source}: {prefix.lower()}.{name}")
    return cls(**values)


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Load the config file (``LOGWATCH_CONFIG`` or ``logwatch.yaml``) with environment overrides.

    :param path: config file to read instead of the default.
    :param env: environment to read overrides from (``os.environ`` when omitted).
    """
    env = dict(os.environ) if env is None else env
    path = path or Path(env.get("LOGWATCH_CONFIG", DEFAULT_CONFIG_FILE))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc}; fix or remove it.") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections.")
    unknown = set(raw) - set(SECTIONS) - {"var_dir"}
    if unknown:
        raise ConfigError(f"{path}: unknown section {sorted(unknown)[0]}; remove or rename it.")
    parts = {}
    for name, cls in SECTIONS.items():
        section_raw = raw.get(name) or {}
        if not isinstance(section_raw, dict):
            raise ConfigError(f"{path}: section {name} must be a mapping.")
        parts[name] = _section(cls, section_raw, name.upper(), env, str(path))
    var_dir = Path(env.get("LOGWATCH_VAR_DIR") or str(raw.get("var_dir") or "var"))
    if not var_dir.is_absolute():
        var_dir = REPO_ROOT / var_dir
    return Config(var_dir=var_dir, **parts)
