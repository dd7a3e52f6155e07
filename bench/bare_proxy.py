"""The least a Python HTTP service in front of Elasticsearch can do: pass each request on, return the answer.

Run by ``bench.bench_api`` as ``python -m bench.bare_proxy ES_URL PORT``: the same server stack as the API
(uvicorn with its C parser and event loop) and the same client library (aiohttp), with nothing else: no routing,
validation, authentication, logging or reshaping. Its latency beside Elasticsearch's is the floor of any API
written this way on the machine it runs on.
"""

from __future__ import annotations

import sys
from typing import Any

import aiohttp
import uvicorn

__all__ = ["bare_proxy"]


def bare_proxy(es_url: str) -> Any:
    """An ASGI app that forwards method, path, query and body to ``es_url`` and returns status and body."""
    client: list[aiohttp.ClientSession] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if not client:
            client.append(aiohttp.ClientSession())
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"].decode()
        url = f"{es_url}{scope['path']}" + (f"?{query}" if query else "")
        headers = {"Content-Type": "application/json"}
        async with client[0].request(scope["method"], url, data=body, headers=headers) as response:
            answer = await response.read()
        start = {"type": "http.response.start", "status": response.status}
        await send({**start, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": answer})

    return app


if __name__ == "__main__":
    uvicorn.run(bare_proxy(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), access_log=False, log_level="warning")
