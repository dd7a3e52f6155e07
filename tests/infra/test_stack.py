"""What `make setup` prepares before any service starts."""

from __future__ import annotations

from pathlib import Path

from core.jvm import HEAP_RETURNED_WHEN_IDLE
from infra import stack
from infra.supervisor import Supervisor
from infra.teststack import TestStack


def test_the_state_folder_is_private_to_its_owner(tmp_path: Path) -> None:
    """Audit M7: var/ held raw logs and alert samples readable by every local user."""
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    stack.private_state_dir(var_dir)
    assert var_dir.stat().st_mode & 0o777 == 0o700
    stack.private_state_dir(tmp_path / "new" / "var")
    assert (tmp_path / "new" / "var").stat().st_mode & 0o777 == 0o700


def test_stop_forgets_restart_counts(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    supervisor.run_dir.mkdir(parents=True)
    assert supervisor.count_restart("streaming") == 1
    assert stack.stop(supervisor) == []  # nothing was running
    assert supervisor.restarts("streaming") == 0


def test_kafka_and_elasticsearch_give_idle_heap_back(stack: TestStack, kafka_bootstrap: str, es_url: str) -> None:
    """core.jvm: without these flags the two JVMs kept the heap they once grew to (the stack idle near 2.4 GB)."""
    for name in ("kafka", "elasticsearch"):
        pid = stack.supervisor.pid(name)
        assert pid is not None, f"{name} is not running"
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        assert set(HEAP_RETURNED_WHEN_IDLE) <= set(arguments), name
