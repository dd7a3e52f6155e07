"""`python -m infra setup|run|stop|status`: the scripts behind `make setup`, `make run` and `make stop`."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from core.config import load_config
from core.errors import LogwatchError
from infra import stack
from infra.supervisor import Supervisor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra")
    parser.add_argument("command", choices=("setup", "run", "stop", "status"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
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
            stack.start(config, supervisor)
            print(f"Up in {time.monotonic() - t0:.1f} s.")
            print(f"  Kafka          {config.kafka.bootstrap_servers}")
            print(f"  Elasticsearch  {config.es.url}")
            print(f"  Dashboard/API  http://{config.api.host}:{config.api.port}/  (OpenAPI at /docs)")
            print("Stop with `make stop`.")
        elif args.command == "stop":
            stopped = stack.stop(supervisor)
            print(f"Stopped: {', '.join(stopped)}." if stopped else "Nothing was running.")
        else:
            for name, pid in stack.status(supervisor).items():
                print(f"  {name:<14} {'running, pid ' + str(pid) if pid else 'stopped'}")
    except LogwatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
