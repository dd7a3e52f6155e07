"""`python -m infra setup|run|stop|status|watch`: the scripts behind `make setup`, `make run`, `make stop` and
`make status`; `watch` is the watchdog `run` starts (infra.watchdog)."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from core.config import load_config
from core.errors import LogwatchError
from infra import stack
from infra.supervisor import Supervisor
from infra.watchdog import Watchdog


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra")
    parser.add_argument("command", choices=("setup", "run", "stop", "status", "watch"))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "watch" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # Health probes fail by design until a service is up: the clients must not print each refusal.
    for noisy in ("elastic_transport", "kafka"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    config = load_config()
    supervisor = Supervisor(config.var_dir)
    try:
        if args.command == "setup":
            stack.setup(config)
        elif args.command == "run":
            t0 = time.monotonic()
            stack.setup(config)
            print(f"Starting logwatch (state in {config.var_dir}):")
            started = stack.start(config, supervisor)
            print(f"Up in {time.monotonic() - t0:.1f} s." if started else "Everything was already running.")
            print(f"  Kafka          {config.kafka.bootstrap_servers}")
            print(f"  Elasticsearch  {config.es.url}")
            print(f"  Dashboard/API  http://{config.api.host}:{config.api.port}/  (OpenAPI at /docs)")
            print("Stop with `make stop`.")
        elif args.command == "stop":
            stopped = stack.stop(supervisor)
            print(f"Stopped: {', '.join(stopped)}." if stopped else "Nothing was running.")
        elif args.command == "status":
            for service in stack.status(supervisor):
                restarts = f", restarted {service.restarts}x" if service.restarts else ""
                if service.pid is None:
                    print(f"  {service.name:<14} stopped{restarts}")
                else:
                    up = _duration(service.up_s or 0.0)
                    print(f"  {service.name:<14} running, pid {service.pid}, up {up}{restarts}")
        else:
            Watchdog(supervisor, lambda name: stack.service_for(name, config), stack.SERVICES).run()
    except LogwatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
