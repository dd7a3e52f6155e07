"""What logs.dlq keeps of a record (streaming.deadletter), and the batch time that picks indices (audit H5, H7)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from streaming.deadletter import MAX_VALUE_BYTES, dead_letter_value, redacted_reason
from streaming.rerun import batch_time


def test_a_record_with_nothing_to_redact_is_kept_byte_for_byte() -> None:
    for value in (b"{   }", b'{"message": "caf\xe9"}', b'{"level": 3, "message": "x"}', b"plain \xff line"):
        kept, headers = dead_letter_value(value)
        assert kept == value
        assert headers == {"original_sha256": hashlib.sha256(value).hexdigest(), "original_bytes": str(len(value))}
    assert dead_letter_value(None) == (b"", {"original_sha256": hashlib.sha256(b"").hexdigest(), "original_bytes": "0"})


def test_a_secret_is_redacted_however_the_json_hides_it() -> None:
    hidden = [
        b'{"message": "login password=hunter2", "message": "ok", "level": "LOUD"}',  # a duplicate key
        b'{"level": "LOUD", "attributes": {"secret": ["hunter2"]}}',  # a list under a secret's key
        b'{"level": "LOUD", "pass\\u0077ord": "hunter2"}',  # the key spelt with an escape
    ]
    for value in hidden:
        kept, _ = dead_letter_value(value)
        assert b"hunter2" not in kept and b"LOUD" in kept, kept


def test_a_large_record_is_cut_and_a_secret_across_the_cut_is_still_redacted() -> None:
    value = b"x" * (MAX_VALUE_BYTES - 10) + b" password=hunter2 " + b"y" * 1_000_000
    kept, headers = dead_letter_value(value)
    assert len(kept) <= MAX_VALUE_BYTES and b"hunt" not in kept and kept.startswith(b"x" * 1000)
    assert headers["original_bytes"] == str(len(value))
    big_json = json.dumps({"message": "token=s3cr3tT0ken " + "z" * 2 * MAX_VALUE_BYTES}).encode()
    kept, _ = dead_letter_value(big_json)
    assert len(kept) <= MAX_VALUE_BYTES and b"s3cr3tT0ken" not in kept


def test_a_reason_that_echoes_the_bad_value_is_redacted_and_bounded() -> None:
    assert "hunter2" not in redacted_reason("field 'timestamp' is not an RFC 3339 time: 'password=hunter2'")
    assert len(redacted_reason("x" * 10_000)) == 2000


def test_the_batch_time_is_the_one_spark_logged_for_it(tmp_path: Path) -> None:
    (tmp_path / "offsets").mkdir()
    meta = '{"batchWatermarkMs":0,"batchTimestampMs":1795471040353,"conf":{}}'
    (tmp_path / "offsets" / "7").write_text(f'v1\n{meta}\n{{"logs":{{"0":5}}}}')
    assert batch_time(tmp_path, 7) == datetime.fromtimestamp(1795471040.353, UTC)
    assert batch_time(tmp_path, 8) is None
