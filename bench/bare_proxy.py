"""The least a Python HTTP service in front of Elasticsearch can do, as floors for the API in ``bench.bench_api``.

Run as ``python -m bench.bare_proxy ES_URL PORT`` (pass each request on) or ``python -m bench.bare_proxy ES_URL
PORT --trends INDEX`` (answer ``GET /logs/trends`` as the API does). Both use the API's server stack (uvicorn with
its C parser and event loop) and the API's HTTP client library (aiohttp), with no framework, validation,
authentication or logging:
- the pass-through hop returns Elasticsearch's answer as it is: the floor of any API written this way on the
  machine it runs on;
- the trends hop builds the API's Elasticsearch body from the same query parameters and reshapes the answer with
  the API's own functions (:func:`api.routers.stats.trends_body`, :func:`api.routers.stats.trends_answer`), JSON
  by orjson both ways: the floor of any API that has to read and rewrite the answer.
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import orjson
import uvicorn

from api.filters import LogFilter
from api.routers.stats import DEFAULT_BUCKETS, DEFAULT_SPLIT, trends_answer, trends_body
from api.timerange import choose_interval_ms, resolve_range

__all__ = ["bare_proxy", "trends_hop"]

JSON = [(b"content-type", b"application/json")]


async def _body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if not message.get("more_body"):
            return body


def bare_proxy(es_url: str) -> Any:
    """An ASGI app that forwards method, path, query and body to ``es_url`` and returns status and body."""
    client: list[aiohttp.ClientSession] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if not client:
            client.append(aiohttp.ClientSession())
        body = await _body(receive)
        query = scope["query_string"].decode()
        url = f"{es_url}{scope['path']}" + (f"?{query}" if query else "")
        headers = {"Content-Type": "application/json"}
        async with client[0].request(scope["method"], url, data=body, headers=headers) as response:
            answer = await response.read()
        await send({"type": "http.response.start", "status": response.status, "headers": JSON})
        await send({"type": "http.response.body", "body": answer})

    return app


def trends_hop(es_url: str, index: str) -> Any:
    """An ASGI app answering any GET with ``/logs/trends``'s answer for its query parameters, over ``index``."""
    client: list[aiohttp.ClientSession] = []
    search = f"{es_url}/{index}/_search?ignore_unavailable=true&allow_no_indices=true"

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if not client:
            client.append(aiohttp.ClientSession())
        await _body(receive)
        params = parse_qs(scope["query_string"].decode())
        split = params.get("split", [DEFAULT_SPLIT])[0]
        filters = LogFilter.build(
            params.get("q", [""])[0],
            params.get("service"),
            params.get("level"),
            params.get("category"),
            params.get("host"),
        )
        time_range = resolve_range(params.get("from", [None])[0], params.get("to", [None])[0])
        step_ms = choose_interval_ms(time_range.span_ms, int(params.get("buckets", [DEFAULT_BUCKETS])[0]))
        body = orjson.dumps(trends_body(filters, time_range, step_ms, split))
        async with client[0].post(search, data=body, headers={"Content-Type": "application/json"}) as response:
            result = orjson.loads(await response.read())
        await send({"type": "http.response.start", "status": response.status, "headers": JSON})
        await send(
            {"type": "http.response.body", "body": orjson.dumps(trends_answer(result, time_range, step_ms, split))}
        )

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("es_url")
    parser.add_argument("port", type=int)
    parser.add_argument("--trends", metavar="INDEX", help="answer /logs/trends over INDEX instead of passing on")
    args = parser.parse_args()
    app = trends_hop(args.es_url, args.trends) if args.trends else bare_proxy(args.es_url)
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_level="warning")
