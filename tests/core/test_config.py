"""The configuration: defaults, file values, environment overrides and one-sentence errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import REPO_ROOT, Config, load_config
from core.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "logwatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_file_loads_and_matches_the_defaults() -> None:
    loaded = load_config(REPO_ROOT / "logwatch.yaml", env={})
    assert loaded == Config()


def test_environment_overrides_the_file_and_is_converted(tmp_path: Path) -> None:
    path = write(tmp_path, "api:\n  port: 9000\ntopics:\n  alerts: team.alerts\n")
    config = load_config(path, env={"API_PORT": "9100", "TOPICS_DLQ": "team.dlq", "ES_REQUEST_TIMEOUT_S": "2.5"})
    assert config.api.port == 9100
    assert config.topics.alerts == "team.alerts" and config.topics.dlq == "team.dlq"
    assert config.es.request_timeout_s == 2.5


def test_var_dir_moves_runtime_state_and_the_model(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, f"var_dir: {tmp_path / 'state'}\n"), env={})
    assert config.var_dir == tmp_path / "state"
    assert config.model_path == tmp_path / "state" / "models" / "classifier.joblib"
    relative = load_config(write(tmp_path, "var_dir: elsewhere\n"), env={})
    assert relative.var_dir == REPO_ROOT / "elsewhere"
    explicit = load_config(write(tmp_path, "{}\n"), env={"NLP_MODEL_PATH": str(tmp_path / "m.joblib")})
    assert explicit.model_path == tmp_path / "m.joblib"


def test_as_env_reproduces_the_config_in_a_child(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "indices:\n  logs: team_logs\nspark:\n  trigger_interval_ms: 250\n"), env={})
    again = load_config(write(tmp_path, "{}\n"), env=config.as_env())
    assert again == config


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("api:\n  prot: 1\n", {}, "unknown key api.prot; remove or rename it."),
        ("queues:\n  a: 1\n", {}, "unknown key queues; remove or rename it."),
        ("api:\n  port: eighty\n", {}, "api.port: input should be a valid integer"),
        ("api: 3\n", {}, "api must be a mapping of keys, got int"),
        ("{}\n", {"KAFKA_HEAP_MB": "lots"}, "KAFKA_HEAP_MB (for kafka.heap_mb): input should be a valid integer"),
        ("- a\n- b\n", {}, "the top level must be a mapping of sections"),
        ("api: [\n", {}, "is not valid YAML at line"),
        ("{}\n", {"ES_URL": "http://es1:9200, es2:9200"}, "ES_URL (for es.url): 'es2:9200' is no node URL"),
        ("es:\n  url: http://es1:9200,,http://es2\n", {}, "es.url: 'http://es2' is no node URL"),
    ],
)
def test_each_error_is_one_sentence_naming_the_key(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), env=env)
    message = str(caught.value)
    assert expected in message
    assert message.count("\n") == 0 and message.endswith(".")


def test_es_url_takes_the_nodes_of_a_cluster(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "{}\n"), env={"ES_URL": " http://es1:9201, https://es2:9243 "})
    assert config.es.hosts == ["http://es1:9201", "https://es2:9243"]
    assert config.es.port == 9201  # the first node's, which a local node would listen on
    assert load_config(write(tmp_path, "{}\n"), env={}).es.hosts == ["http://127.0.0.1:9200"]


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Cannot read the config file .*missing\.yaml .*fix the path\."):
        load_config(tmp_path / "missing.yaml", env={})


def test_config_is_frozen() -> None:
    config = Config()
    with pytest.raises(ValueError):
        config.api.port = 1  # type: ignore[misc]
