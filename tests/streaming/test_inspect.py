"""``python -m streaming.inspect``: one JSON object per input line, the document the job would index or its DLQ
reason, with no Kafka, Elasticsearch or Spark (the commands run as a user would, in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import REPO_ROOT
from streaming.bounds import MAX_STRING_CHARS
from streaming.inspect import inspect_lines

SYSLOG = b"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; rhost=218.188.2.4 user=root"
EVENT = {
    "timestamp": "2026-11-23T09:59:58+01:00",
    "level": "ERR",
    "service": "payment",
    "message": "card declined password=hunter2 for order 42",
}


def run(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> tuple[int, list[dict[str, Any]], str]:
    """Run the command; returns its exit status, the JSON objects it printed, and its stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "streaming.inspect", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    lines = done.stdout.decode().splitlines()
    return done.returncode, [json.loads(line) for line in lines], done.stderr.decode()


def test_inspect_prints_one_object_per_line_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.log"
    path.write_bytes(b"\n".join([SYSLOG, json.dumps(EVENT).encode(), b"caf\xe9 \xff not utf-8", b"", b"x"]) + b"\n")
    status, docs, stderr = run(str(path))
    assert status == 0, stderr
    syslog, event, bad, empty, last = docs  # the trailing newline ends the last line, it does not add one
    assert syslog["host"] == "combo" and syslog["message"].startswith("authentication failure")
    assert syslog["timestamp"][5:19] == "06-14T15:16:01" and syslog["category"] == "security"
    assert event["service"] == "payment" and event["level"] == "ERROR"
    assert event["timestamp"] == "2026-11-23T08:59:58.000Z"
    assert "hunter2" not in event["message"] and event["redactions"] == 1
    assert bad == {"dlq": True, "reason": "value is not valid UTF-8 (byte 3)"}
    assert empty["dlq"] is True and "empty" in empty["reason"]
    assert last["message"] == "x"
    for doc in (syslog, event, last):
        assert "kafka" not in doc and "event_id" not in doc
        assert {"template_id", "template", "category_confidence", "model_version", "processed_at"} <= doc.keys()


def test_inspect_reads_stdin_with_the_service_a_shipper_would_send() -> None:
    lines = b"worker 7 started in 35 ms\nworker 8 started in 41 ms"  # no final newline: still two lines
    status, docs, stderr = run("--service", "billing", stdin=lines)
    assert status == 0, stderr
    assert [d["service"] for d in docs] == ["billing", "billing"]
    assert [d["message"] for d in docs] == ["worker 7 started in 35 ms", "worker 8 started in 41 ms"]
    assert docs[0]["template_id"] == docs[1]["template_id"]
    status, docs, _ = run(stdin=b"worker 7 started in 35 ms\n")
    assert docs[0]["service"] == "unknown"


def test_inspect_keeps_a_one_megabyte_line_one_line_cut_as_the_job_cuts_it_and_files_in_order(tmp_path: Path) -> None:
    big, small = tmp_path / "big.log", tmp_path / "small.log"
    big.write_bytes(b"a" * 1_000_000 + b" done\r\n")
    small.write_bytes(b"second file")
    status, docs, stderr = run(str(big), str(small))
    assert status == 0, stderr
    assert len(docs) == 2
    assert docs[0]["message"] == "a" * MAX_STRING_CHARS + f"…[truncated {1_000_005 - MAX_STRING_CHARS} characters]"
    assert docs[1]["message"] == "second file"


def test_inspect_names_a_missing_file_in_one_sentence(tmp_path: Path) -> None:
    status, docs, stderr = run(str(tmp_path / "nope.log"))
    assert status == 2 and docs == []
    assert stderr.strip().count("\n") == 0 and "nope.log" in stderr


def test_inspect_without_a_trained_model_says_how_to_train_one(tmp_path: Path) -> None:
    status, docs, stderr = run(stdin=b"hello\n", env={"NLP_MODEL_PATH": str(tmp_path / "none.joblib")})
    assert status == 2 and docs == []
    assert "make train" in stderr and stderr.strip().count("\n") == 0


def test_inspect_batches_do_not_change_the_documents() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    lines = [SYSLOG, b"", b"GET /x 200", json.dumps(EVENT).encode()] * 3
    one_by_one = list(inspect_lines(lines, "web", batch_lines=1, now=now))
    together = list(inspect_lines(lines, "web", batch_lines=500, now=now))
    assert one_by_one == together and len(together) == len(lines)
