"""Load generator: pacing, progress, raw replay of log files (Loghub), and the CLI."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from core.config import REPO_ROOT
from producers.loadgen import Progress, interleave, log_files, pace, read_lines, service_for
from producers.loadgen.__main__ import main
from tests.producers.kafka_helpers import consume

# The shared samples live beside the repository, never in it (the benchmarks and nlp/realdata.py read them there).
LOGHUB = REPO_ROOT.parent / "shared" / "data" / "loghub"


def _write_logs(folder: Path) -> dict[str, list[bytes]]:
    """Two small log files (one with CRLF endings, like several Loghub files) plus files to skip."""
    folder.mkdir(parents=True, exist_ok=True)
    apache = [
        b"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
        b"[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
    ]
    hdfs = [
        b"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865 terminating",
        "081109 203807 222 WARN dfs.DataNode: Ünïcode bytes kept as they are".encode(),
    ]
    (folder / "Apache_2k.log").write_bytes(b"\r\n".join(apache) + b"\r\n\r\n")
    (folder / "HDFS_2k.log").write_bytes(b"\n".join(hdfs) + b"\n")
    (folder / "HDFS_2k.log_structured.csv").write_text("LineId,Content\n1,x\n")
    (folder / "README.md").write_text("# not a log\n")
    (folder / "LICENSE").write_text("license text\n")
    return {"apache": apache, "hdfs": hdfs}


def test_log_files_service_names_and_raw_lines(tmp_path: Path) -> None:
    expected = _write_logs(tmp_path / "logs")
    files = log_files([tmp_path / "logs"])
    assert [f.name for f in files] == ["Apache_2k.log", "HDFS_2k.log"]
    assert [service_for(f) for f in files] == ["apache", "hdfs"]
    assert service_for(Path("/var/log/app-server.log.1")) == "app-server"
    assert list(read_lines(files[0])) == expected["apache"]
    assert list(interleave(files)) == [
        ("apache", expected["apache"][0]),
        ("hdfs", expected["hdfs"][0]),
        ("apache", expected["apache"][1]),
        ("hdfs", expected["hdfs"][1]),
    ]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        log_files([tmp_path / "missing"])


@pytest.mark.skipif(not LOGHUB.is_dir(), reason="the shared Loghub samples are not on this machine")
def test_the_shared_loghub_samples_are_found_and_named() -> None:
    # Loghub: Zhu et al., ISSRE 2023; Jiang et al., ISSTA 2024 (see ../shared/data/loghub/CITATION).
    files = log_files([LOGHUB])
    assert {service_for(f) for f in files} >= {"apache", "hdfs", "linux", "spark", "zookeeper"}
    assert all(f.suffix == ".log" for f in files)
    assert sum(1 for _ in read_lines(next(f for f in files if f.name.startswith("Apache")))) == 2000


def test_pace_keeps_the_rate() -> None:
    started = time.monotonic()
    sent = sum(pace(2000, 0.5, threading.Event()))
    # Never faster than the rate; a starved thread on a loaded machine may fall a little behind.
    assert 700 <= sent <= 1001 and time.monotonic() - started < 1.5


def test_progress_redraws_in_place_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = Progress(10, stream)
    progress.update(5.0, 5000, 4900, 0, force=True)
    progress.update(10.0, 10_000, 10_000, 0, force=True)
    progress.finish()
    text = stream.getvalue()
    assert text.startswith("\r[############............]  50%") and "1.0k ev/s" in text and text.endswith("\n")


def test_cli_synthetic_dry_run_reports_the_achieved_rate() -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--dry-run", "--rate", "400", "--duration", "1", "--quiet", "--seed", "5"])
    assert code == 0
    assert 200 <= len(out.getvalue().splitlines()) <= 401
    assert "achieved" in err.getvalue() and "0 dropped, 0 failed, 0 pending" in err.getvalue()


@pytest.mark.integration
def test_replay_sends_raw_lines_keyed_by_file_name(
    kafka_bootstrap: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    expected = _write_logs(tmp_path / "logs")
    topic = topic_factory()
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            [
                "--replay",
                str(tmp_path / "logs"),
                "--rate",
                "0",
                "--bootstrap",
                kafka_bootstrap,
                "--topic",
                topic,
                "--quiet",
            ]
        )
    assert code == 0, out.getvalue()
    records = consume(kafka_bootstrap, topic, 4)
    assert sorted((r.key, r.value) for r in records) == sorted(
        (name.encode(), line) for name, lines in expected.items() for line in lines
    )
    assert "emitted 4 lines" in out.getvalue()
