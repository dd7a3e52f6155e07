"""``python -m api`` serves API and dashboard; ``python -m api tokens create|list|revoke NAME``."""

from __future__ import annotations

import argparse
import logging
import sys

from core.config import load_config
from core.errors import LogwatchError

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    config = load_config()
    host = args.host or config.api.host
    port = args.port or config.api.port
    # Whether tokens are required is judged from the address actually served, not from the config file's.
    config = config.model_copy(update={"api": config.api.model_copy(update={"host": host, "port": port})})
    app = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # elastic_transport logs every request at INFO (a second line per search beside uvicorn's access line, 3 %
    # of the API's CPU per cached histogram) and warns with a traceback on every failed one; api.es says
    # "unreachable" once per outage. kafka-python narrates each connection of the live tail's consumer at INFO.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    uvicorn.run(
        app,
        host=host,
        port=port,
        ws="websockets-sansio",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
        timeout_graceful_shutdown=5,
    )
    return 0


def _tokens(args: argparse.Namespace) -> int:
    from api.tokens import TokenStore

    store = TokenStore.for_var_dir(load_config().var_dir)
    if args.action == "create":
        token = store.create(args.name, ("read", args.scope))
        print(token)
        print(
            f"Token '{args.name}' created; it is shown only now. Use it as 'Authorization: Bearer <token>' "
            "or paste it on the dashboard's sign-in page.",
            file=sys.stderr,
        )
    elif args.action == "revoke":
        if not store.revoke(args.name):
            print(f"No token named '{args.name}': list them with 'python -m api tokens list'.", file=sys.stderr)
            return 1
        print(f"Token '{args.name}' revoked.", file=sys.stderr)
    else:
        for info in store.all():
            print(f"{info.name}\t{info.created_at}\t{info.sha256[:8]}\t{','.join(info.scopes)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point.

    :param argv: arguments (``sys.argv[1:]`` when omitted).
    """
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the API and dashboard (the default)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    tokens = sub.add_parser("tokens", help="create, list or revoke API tokens")
    tokens.add_argument("action", choices=["create", "list", "revoke"])
    tokens.add_argument("name", nargs="?", default="")
    tokens.add_argument(
        "--scope",
        choices=["read", "silence"],
        default="read",
        help="what a new token may do: read (the default), or also create and end alert silences",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "tokens":
            if args.action in ("create", "revoke") and not args.name:
                parser.error(f"tokens {args.action} needs a NAME")
            return _tokens(args)
        if args.command is None:
            args = argparse.Namespace(host=None, port=None)
        return _serve(args)
    except LogwatchError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
