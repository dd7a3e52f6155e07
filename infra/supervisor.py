"""Starts processes detached with their output in var/log, waits on real health, stops them by pid file.

One place knows how to run each service; `python -m infra` (make run/stop) and the test fixtures share it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infra.errors import ServiceError

__all__ = ["Service", "Supervisor", "child_env", "port_in_use"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    """How to run one process and how to know it is healthy."""

    name: str
    argv: list[str]
    ready: Callable[[], bool]
    ready_timeout_s: float = 120.0
    ports: tuple[int, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    # Tests set this so a killed test run cannot leave services behind; `make run` leaves them running.
    die_with_parent: bool = False
    # Whether the service gets the starter's secret-looking variables (chat tokens, ...): only those that send.
    inherit_secrets: bool = False


# Variables withheld from services that do not need them: a Spark worker or a demo producer has no use for the
# chat tokens, and every child that holds them is one more place they can leak from.
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|WEBHOOK|API_?KEY|CREDENTIAL|PRIVATE_KEY", re.IGNORECASE)


def child_env(service: Service, parent: Mapping[str, str]) -> dict[str, str]:
    """The environment a service starts with: the starter's, less its secrets unless the service needs them,
    plus the service's own variables."""
    inherited = {k: v for k, v in parent.items() if service.inherit_secrets or not _SECRET_NAME.search(k)}
    return {**inherited, **service.env}


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _kill_me_with_parent() -> None:
    # Linux prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this child when its parent exits.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _signal(pid: int, sig: signal.Signals) -> None:
    """``kill(pid, sig)``; a negative pid is a process group. Nothing left to signal is not an error."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


class Supervisor:
    """Runs services with pid files in ``var/run`` and logs in ``var/log``."""

    def __init__(self, var_dir: Path) -> None:
        self.run_dir = var_dir / "run"
        self.log_dir = var_dir / "log"
        # Kept so that children we started are reaped (no zombies, no ResourceWarning) when stopped.
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    def pid(self, name: str) -> int | None:
        """The pid of a running service started by us, or None."""
        path = self.run_dir / f"{name}.pid"
        try:
            pid = int(path.read_text())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def exited(self, name: str) -> bool:
        """True when the service was started and has not been stopped, but its process is gone."""
        return (self.run_dir / f"{name}.pid").exists() and self.pid(name) is None

    def exit_code(self, name: str) -> int | None:
        """The exit code of a service that was our child and has ended, else None."""
        child = self._children.get(name)
        return None if child is None else child.poll()

    def started_at(self, name: str) -> float | None:
        """When the running service was started (epoch seconds), or None."""
        if self.pid(name) is None:
            return None
        try:
            return (self.run_dir / f"{name}.pid").stat().st_mtime
        except OSError:
            return None

    def restarts(self, name: str) -> int:
        """How often the watchdog restarted the service since `make run` started it."""
        try:
            return int((self.run_dir / f"{name}.restarts").read_text())
        except (OSError, ValueError):
            return 0

    def count_restart(self, name: str) -> int:
        """Count one restart; returns the new count."""
        count = self.restarts(name) + 1
        (self.run_dir / f"{name}.restarts").write_text(str(count))
        return count

    def reset_restarts(self, name: str) -> None:
        (self.run_dir / f"{name}.restarts").unlink(missing_ok=True)

    def start(self, service: Service) -> int:
        """Start ``service`` detached and wait until it is healthy; returns its pid.

        :param service: what to run.
        """
        if (pid := self.pid(service.name)) is not None:
            raise ServiceError(f"{service.name} is already running (pid {pid}); run `make stop` first.")
        for port in service.ports:
            if port_in_use(port):
                raise ServiceError(
                    f"Port {port} needed by {service.name} is already in use; stop what holds it or "
                    f"configure another port (see logwatch.yaml)."
                )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        earlier = self._children.pop(service.name, None)
        if earlier is not None:
            earlier.wait()  # it has ended (pid() said so): reap it
        log = self.log_path(service.name).open("ab")
        env = child_env(service, os.environ)
        started = time.monotonic()
        proc = subprocess.Popen(
            service.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=service.cwd,
            start_new_session=True,
            preexec_fn=_kill_me_with_parent if service.die_with_parent else None,
        )
        log.close()
        (self.run_dir / f"{service.name}.pid").write_text(str(proc.pid))
        self._children[service.name] = proc
        deadline = started + service.ready_timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self._forget(service.name)
                raise ServiceError(
                    f"{service.name} exited with code {proc.returncode} while starting; "
                    f"see {self.log_path(service.name)}:\n{self.tail(service.name)}"
                )
            if service.ready():
                logger.info(
                    'service ready name="%s" pid=%d seconds=%.1f',
                    service.name,
                    proc.pid,
                    time.monotonic() - started,
                )
                return proc.pid
            time.sleep(0.5)
        self.stop(service.name)
        raise ServiceError(
            f"{service.name} was not healthy within {service.ready_timeout_s:.0f} s; "
            f"see {self.log_path(service.name)}:\n{self.tail(service.name)}"
        )

    def stop(self, name: str, timeout_s: float = 30.0) -> bool:
        """Stop a service: SIGTERM to its main process, then SIGKILL to its whole process group.

        Only the main process is asked first, so that it stops its own children in order (the streaming job
        stops its queries before its Spark JVM); the group is killed after ``timeout_s``, or at once when the
        main process is gone, to take any child it left behind.

        :returns: True if something was running.
        """
        pid = self.pid(name)
        if pid is None:
            self._forget(name)
            return False
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        _signal(-pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)
        self._forget(name)
        return True

    def signal(self, name: str, sig: signal.Signals) -> None:
        """Send ``sig`` to the service's process group (the service and any children it spawned)."""
        pid = self.pid(name)
        if pid is not None:
            _signal(-pid, sig)

    def tail(self, name: str, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path(name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _forget(self, name: str) -> None:
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)
        child = self._children.pop(name, None)
        if child is not None:
            child.wait()
