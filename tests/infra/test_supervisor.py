"""The launcher's promise to tests: services started with die_with_parent end when their starter is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.config import REPO_ROOT

STARTER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from infra.supervisor import Service, Supervisor
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
