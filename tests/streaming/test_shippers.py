"""A real shipper into the job's parse stage: rsyslog (Debian's rsyslog and rsyslog-kafka) run with the example
configurations users are given, ``docs/shippers/rsyslog.conf`` (files and syslog over UDP) and
``docs/shippers/rsyslog-kubernetes.conf`` (a node's container logs), into a real Kafka topic; what it wrote is read
back and parsed by ``streaming.parse.parse_frame``, as the job does."""

from __future__ import annotations

import logging
import logging.handlers
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from infra.teststack import free_port
from streaming.parse import KAFKA_COLUMNS, parse_frame
from tests.producers.kafka_helpers import ManualBroker, consume

SHIPPERS = Path(__file__).resolve().parents[2] / "docs" / "shippers"
CONFIG = SHIPPERS / "rsyslog.conf"
RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"

# Lines a service writes to its log file before rsyslog starts (it reads the file from its start).
FILE_LINES = [
    "2026-12-04 10:00:00,123 ERROR [main] com.shop.Api - payment failed for order 42",
    '{"level":"warn","msg":"slow query","ms":900,"time":"2026-12-04T10:00:01.5Z"}',
    "plain line without header",
]
APPENDED = "2026-12-04T10:00:02Z WARN cache cold"


Rsyslog = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def rsyslog(tmp_path: Path) -> Iterator[Rsyslog]:
    """``rsyslog(bootstrap, topic, udp_port, config=CONFIG, **environment)``: rsyslogd running ``config``."""
    if not os.access(RSYSLOGD, os.X_OK):
        pytest.fail("rsyslogd is not installed: run `make setup` (or apt-get install -y rsyslog rsyslog-kafka).")
    started: list[subprocess.Popen[bytes]] = []

    def start(
        bootstrap: str, topic: str, udp_port: int, config: Path = CONFIG, **extra: str
    ) -> subprocess.Popen[bytes]:
        (tmp_path / "state").mkdir()
        env = {
            **os.environ,
            "LOGWATCH_KAFKA": bootstrap,
            "LOGWATCH_TOPIC": topic,
            "LOGWATCH_FILES": str(tmp_path / "logs" / "*.log"),
            "LOGWATCH_FILE_SERVICE": "shop-api",
            "LOGWATCH_SYSLOG_PORT": str(udp_port),
            "LOGWATCH_STATE_DIR": str(tmp_path / "state"),
            **extra,
        }
        env.setdefault("LOGWATCH_FILES_START", "")  # not from this process's environment
        argv = [RSYSLOGD, "-n", "-f", str(config), "-i", str(tmp_path / "rsyslogd.pid")]
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(20)
        if proc.stdout is not None:
            proc.stdout.close()


def output_of(proc: subprocess.Popen[bytes]) -> str:
    """What rsyslogd said (its configuration errors, Kafka's), once stopped: for a failing assertion's message."""
    proc.terminate()
    out, _ = proc.communicate(timeout=20)
    return out.decode(errors="replace")


def frame_of(records: list[Any]) -> pd.DataFrame:
    """Kafka records as the job's source hands them to the parse stage (naive UTC times)."""
    return pd.DataFrame(
        [
            (
                r.key,
                r.value,
                r.topic,
                r.partition,
                r.offset,
                datetime.fromtimestamp(r.timestamp / 1000, UTC).replace(tzinfo=None),
            )
            for r in records
        ],
        columns=list(KAFKA_COLUMNS),
    )


def test_rsyslog_with_the_example_configuration_ships_files_and_syslog_the_job_reads(
    tmp_path: Path,
    kafka_bootstrap: str,
    topic_factory: Callable[..., str],
    rsyslog: Rsyslog,
) -> None:
    topic = topic_factory(1)
    log_file = tmp_path / "logs" / "shop-api.log"
    log_file.parent.mkdir()
    log_file.write_text("".join(f"{line}\n" for line in FILE_LINES))
    port = free_port()
    proc = rsyslog(kafka_bootstrap, topic, port)
    assert consume(kafka_bootstrap, topic, len(FILE_LINES), 60), proc.poll()

    with log_file.open("a") as f:  # a line written while rsyslog tails the file
        f.write(APPENDED + "\n")
    sender = logging.getLogger(f"shop-worker-{uuid.uuid4().hex[:6]}")
    sender.propagate = False
    handler = logging.handlers.SysLogHandler(address=("127.0.0.1", port))
    handler.ident = "shop-worker[77]: "
    sender.addHandler(handler)
    sender.warning("disk almost full: %d%% used", 95)
    sender.error("job 12 failed")
    handler.close()

    records = consume(kafka_bootstrap, topic, len(FILE_LINES) + 3, 60)
    assert len(records) == len(FILE_LINES) + 3, output_of(proc)
    rows = parse_frame(frame_of(records))
    assert [row["error"] for row in rows] == [None] * len(rows)
    by_message = {row["message"]: row for row in rows}
    assert set(by_message) == {
        "payment failed for order 42",
        "slow query",
        "plain line without header",
        "cache cold",
        "disk almost full: 95% used",
        "job 12 failed",
    }

    line = by_message["payment failed for order 42"]
    assert (line["level"], line["service"], line["logger"]) == ("ERROR", "shop-api", "com.shop.Api")
    assert line["timestamp"] == datetime(2026, 12, 4, 10, 0, 0, 123000, tzinfo=UTC)  # the line's, not the read's
    assert line["attributes"]["log.file.path"] == str(log_file) and line["host"]
    line = by_message["slow query"]
    assert (line["level"], line["attributes"]["ms"]) == ("WARN", 900)
    assert line["timestamp"] == datetime(2026, 12, 4, 10, 0, 1, 500000, tzinfo=UTC)
    line = by_message["plain line without header"]
    assert line["level"] == "INFO"
    assert abs(line["timestamp"] - datetime.now(UTC)) < timedelta(minutes=2)  # when rsyslog read it
    assert by_message["cache cold"]["level"] == "WARN"
    for message, level in (("disk almost full: 95% used", "WARN"), ("job 12 failed", "ERROR")):
        line = by_message[message]
        assert (line["level"], line["service"], line["format"]) == (level, "shop-worker", "syslog5424")


def test_rsyslog_keeps_what_it_read_while_kafka_is_down_and_delivers_it_once(tmp_path: Path, rsyslog: Rsyslog) -> None:
    broker = ManualBroker(tmp_path / "broker")  # its address is fixed; it is not running yet
    log_file = tmp_path / "logs" / "shop-api.log"
    log_file.parent.mkdir()
    lines = [f"2026-12-04 10:00:0{i},000 INFO [main] com.shop.Api - order {i} placed" for i in range(5)]
    log_file.write_text("".join(f"{line}\n" for line in lines[:3]))
    topic = broker.stack.topics.logs
    proc = rsyslog(broker.bootstrap, topic, free_port())
    time.sleep(3)
    with log_file.open("a") as f:
        f.write("".join(f"{line}\n" for line in lines[3:]))
    time.sleep(3)
    assert proc.poll() is None, "rsyslogd exited while Kafka was down"
    try:
        broker.start()
        records = consume(broker.bootstrap, topic, len(lines), 90)
        time.sleep(2)  # a duplicate would come now, if ever
        records = consume(broker.bootstrap, topic, len(lines) + 1, 5) or records
    finally:
        broker.stack.stop()
    rows = parse_frame(frame_of(records))
    # omkafka sends the lines in flight when it noticed the outage again on resume (at least once): each copy
    # gets its line's document id, so the sink writes every line once.
    documents = {row["event_id"]: row["message"] for row in rows}
    assert sorted(documents.values()) == [f"order {i} placed" for i in range(5)]
    assert len(rows) >= len(lines)


def test_rsyslog_on_a_kubernetes_node_ships_container_lines_whole_with_the_container_as_service(
    tmp_path: Path, kafka_bootstrap: str, topic_factory: Callable[..., str], rsyslog: Rsyslog
) -> None:
    topic = topic_factory(1)
    containers = tmp_path / "containers"
    containers.mkdir()
    log_file = containers / f"checkout-7d9f8_shop_api-{'a' * 64}.log"
    runtime = "2026-12-04T10:00:00.123456789Z"
    long_message = "x" * 40_000
    log_file.write_text(
        f'{runtime} stderr F {{"level":"error","msg":"payment failed","order":42}}\n'
        # a 40 kB line, split by the runtime at 16 KiB
        + "".join(f"{runtime} stdout P {long_message[i : i + 16384]}\n" for i in range(0, 32768, 16384))
        + f"{runtime} stdout F {long_message[32768:]}\n"
    )
    proc = rsyslog(
        kafka_bootstrap,
        topic,
        free_port(),
        SHIPPERS / "rsyslog-kubernetes.conf",
        LOGWATCH_CONTAINERS=str(containers / "*.log"),
    )
    records = consume(kafka_bootstrap, topic, 2, 60)
    assert len(records) == 2, output_of(proc)
    first, second = parse_frame(frame_of(records))
    assert (first["service"], first["level"], first["message"]) == ("api", "ERROR", "payment failed")
    assert first["timestamp"] == datetime(2026, 12, 4, 10, 0, 0, 123456, tzinfo=UTC)
    assert first["attributes"]["order"] == 42 and first["attributes"]["stream"] == "stderr"
    assert (second["service"], second["message"]) == ("api", long_message)
    assert "partial" not in second["attributes"]


def test_rsyslog_joins_a_stack_trace_to_its_line_when_told_where_records_start(
    tmp_path: Path, kafka_bootstrap: str, topic_factory: Callable[..., str], rsyslog: Rsyslog
) -> None:
    topic = topic_factory(1)
    log_file = tmp_path / "logs" / "shop-api.log"
    log_file.parent.mkdir()
    trace = "java.lang.IllegalStateException: gateway closed\n\tat com.shop.Gateway.charge(Gateway.java:88)"
    log_file.write_text(
        f"2026-12-04 10:00:00,123 ERROR [main] com.shop.Api - payment failed\n{trace}\n"
        "2026-12-04 10:00:01,000 INFO [main] com.shop.Api - retrying\n"
    )
    proc = rsyslog(kafka_bootstrap, topic, free_port(), LOGWATCH_FILES_START="^[0-9]{4}-")
    records = consume(kafka_bootstrap, topic, 2, 60)
    assert len(records) == 2, output_of(proc)
    failed, retrying = parse_frame(frame_of(records))
    assert (failed["level"], failed["message"]) == ("ERROR", "payment failed")
    assert failed["exception"] == {
        "type": "java.lang.IllegalStateException",
        "message": "gateway closed",
        "stacktrace": trace,
    }
    assert (retrying["level"], retrying["message"], retrying.get("exception")) == ("INFO", "retrying", None)
