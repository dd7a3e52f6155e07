"""The launcher's promise to tests: services started with die_with_parent end when their starter is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import REPO_ROOT
from infra.supervisor import Service, Supervisor, child_env

STARTER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from infra.supervisor import Service, Supervisor, child_env
sleeper = Service("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"], lambda: True,
                  die_with_parent=sys.argv[3] == "True")
print(Supervisor(Path(sys.argv[2])).start(sleeper), flush=True)
time.sleep(600)
"""


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for init to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("die_with_parent", [True, False])
def test_service_outlives_a_killed_starter_only_when_asked_to(tmp_path: Path, die_with_parent: bool) -> None:
    argv = [sys.executable, "-c", STARTER, str(REPO_ROOT), str(tmp_path), str(die_with_parent)]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as starter:
        assert starter.stdout is not None
        pid = int(starter.stdout.readline())
        assert running(pid)
        starter.kill()  # SIGKILL: no cleanup code of the starter runs
    try:
        deadline = time.monotonic() + 10
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running(pid) is not die_with_parent
    finally:
        if running(pid):
            os.kill(pid, signal.SIGKILL)


LEADER = """
import signal, subprocess, sys, time
from pathlib import Path
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
Path(sys.argv[1], "child.pid").write_text(str(child.pid))

def on_term(signum, frame):
    time.sleep(0.5)  # a group-wide SIGTERM would have ended the child by now
    Path(sys.argv[1], "child-at-term").write_text("alive" if child.poll() is None else "ended")
    sys.exit(0)  # leaves the child behind

signal.signal(signal.SIGTERM, on_term)
time.sleep(600)
"""


def test_stop_asks_the_main_process_first_and_then_sweeps_its_group(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    leader = Service(
        "leader",
        [sys.executable, "-c", LEADER, str(tmp_path)],
        lambda: (tmp_path / "child.pid").exists(),
        die_with_parent=True,
    )
    supervisor.start(leader)
    child = int((tmp_path / "child.pid").read_text())
    assert running(child)
    assert supervisor.stop("leader", timeout_s=10)
    assert (tmp_path / "child-at-term").read_text() == "alive"
    deadline = time.monotonic() + 5
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child)


def test_only_services_that_send_get_the_starters_secrets() -> None:
    """Audit L10: the chat tokens reached the Spark job, its Python workers and the demo producers."""
    parent = {
        "PATH": "/bin",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "TELEGRAM_BOT_TOKEN": "1:a",
        "TUNNEL_TOKEN": "t",
        "DB_PASSWORD": "p",
    }
    job = Service("streaming", ["x"], lambda: True, env={"ES_URL": "http://127.0.0.1:9200"})
    assert child_env(job, parent) == {"PATH": "/bin", "ES_URL": "http://127.0.0.1:9200"}
    consumer = Service("alerting", ["x"], lambda: True, inherit_secrets=True)
    assert child_env(consumer, parent) == parent
    given = Service("demo", ["x"], lambda: True, env={"SLACK_BOT_TOKEN": "own"})  # its own variables always
    assert child_env(given, parent)["SLACK_BOT_TOKEN"] == "own"
