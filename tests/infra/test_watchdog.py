"""The watchdog restarts a service that died, with back-off, counts it, and leaves stopped services alone."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from core.config import load_config
from infra import stack
from infra.__main__ import main
from infra.supervisor import Service, Supervisor
from infra.watchdog import Watchdog


def sleeper(name: str = "sleeper", seconds: float = 600) -> Service:
    return Service(
        name, [sys.executable, "-c", f"import time; time.sleep({seconds})"], lambda: True, die_with_parent=True
    )


def wait_until_restarted(watchdog: Watchdog, timeout_s: float = 20) -> list[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        restarted = watchdog.check()
        if restarted:
            return restarted
        time.sleep(0.05)
    return []


@pytest.fixture
def supervisor(tmp_path: Path):  # type: ignore[no-untyped-def]
    supervisor = Supervisor(tmp_path)
    yield supervisor
    for name in ("sleeper", "crasher"):
        supervisor.stop(name, timeout_s=2)


def test_a_killed_service_is_started_again_and_counted(
    supervisor: Supervisor, caplog: pytest.LogCaptureFixture
) -> None:
    first = supervisor.start(sleeper())
    watchdog = Watchdog(supervisor, lambda name: sleeper(name), ["sleeper"], initial_s=0.2)
    assert watchdog.check() == []  # running: nothing to do
    os.kill(first, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="infra.watchdog"):
        assert wait_until_restarted(watchdog) == ["sleeper"]
    second = supervisor.pid("sleeper")
    assert second is not None and second != first
    assert supervisor.restarts("sleeper") == 1
    messages = [record.getMessage() for record in caplog.records]
    assert any('service exited unexpectedly name="sleeper" code=-9 restart_in_s=0.2' in m for m in messages), messages
    assert any('service restarted name="sleeper"' in m and "restarts=1" in m for m in messages), messages


def test_a_service_that_keeps_crashing_waits_longer_each_time(
    supervisor: Supervisor, caplog: pytest.LogCaptureFixture
) -> None:
    crasher = sleeper("crasher", seconds=0.2)  # healthy at once, dead 0.2 s later
    supervisor.start(crasher)
    watchdog = Watchdog(supervisor, lambda name: crasher, ["crasher"], initial_s=0.3, max_s=1.0)
    with caplog.at_level(logging.WARNING, logger="infra.watchdog"):
        for _ in range(3):
            assert wait_until_restarted(watchdog) == ["crasher"]
    waits = [record.args[2] for record in caplog.records if "exited unexpectedly" in record.msg]  # type: ignore[index]
    assert waits == [0.3, 0.6, 1.0]
    codes = [record.args[1] for record in caplog.records if "exited unexpectedly" in record.msg]  # type: ignore[index]
    assert codes[1:] == [0, 0]  # the restarted ones were the watchdog's children: it knows how they ended
    assert supervisor.restarts("crasher") == 3


def test_a_stopped_service_stays_stopped(supervisor: Supervisor) -> None:
    supervisor.start(sleeper())
    watchdog = Watchdog(supervisor, lambda name: sleeper(name), ["sleeper"], initial_s=0.0)
    supervisor.stop("sleeper", timeout_s=2)
    assert watchdog.check() == [] and supervisor.pid("sleeper") is None and not supervisor.exited("sleeper")


def test_run_starts_only_what_is_not_running_and_status_says_how_long_and_how_often(
    tmp_path: Path, supervisor: Supervisor, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A live process stands in for a running Kafka: `run` must leave it and start nothing in its place.
    pid = supervisor.start(sleeper())
    (tmp_path / "run" / "kafka.pid").write_text(str(pid))
    (tmp_path / "run" / "kafka.restarts").write_text("2")
    config = load_config(env={"LOGWATCH_VAR_DIR": str(tmp_path)})
    assert stack.start(config, supervisor, names=("kafka",)) == []
    assert "kafka          already running (pid" in capsys.readouterr().out
    monkeypatch.setenv("LOGWATCH_VAR_DIR", str(tmp_path))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"kafka          running, pid {pid}, up 0m0" in out and "restarted 2x" in out
    assert "elasticsearch  stopped" in out and "watchdog       stopped" in out
    (tmp_path / "run" / "kafka.pid").unlink()
