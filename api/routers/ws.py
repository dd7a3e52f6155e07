"""``WS /ws/logs``: live tail of the classified topic with the same filters as search.

Protocol (server to client, JSON text frames)::

    {"type": "hello", "filters": {...}, "queue_size": 1000, "tail": "live"}
    {"type": "logs", "items": [doc, ...]}                 documents as indexed, oldest first
    {"type": "dropped", "count": 12, "total": 40, "message": "..."}   this client was too slow
    {"type": "status", "tail": "live" | "unavailable", "message": "..."}
    {"type": "error", "message": "..."}                    then close (1008 bad filter, 1013 too many clients)

Filters are query parameters (``q``, ``service``, ``level``, ``category``, ``host``); the time range does not
apply. Browsers authenticate with the login cookie or the subprotocol ``bearer.<token>`` next to
``logwatch``. One identity holds at most ``api.ws_max_clients_per_identity`` tails, and a tail opened with a
token is closed (1008) soon after that token is revoked. A disconnect is normal and ends the handler quietly.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, WebSocket

from api.auth import Identity, identity_of
from api.errors import ApiError
from api.filters import LogFilter
from api.state import AppState, get_state
from api.tail import HubStatus, TailClient

__all__ = ["router", "SUBPROTOCOL", "ConnState"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["logs"])

SUBPROTOCOL = "logwatch"
CREDENTIAL_RECHECK_S = 5.0


class ConnState(enum.Enum):
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSED = "closed"


async def _send_loop(websocket: WebSocket, client: TailClient, state: AppState) -> None:
    while True:
        for message in await client.next_messages():
            await websocket.send_text(json.dumps(message, separators=(",", ":"), default=str))
            if message["type"] == "logs":
                state.metrics.ws_sent.inc(len(message["items"]))


async def _receive_loop(websocket: WebSocket) -> None:
    # Client frames are ignored (keep-alives); this only notices the disconnect.
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


async def _until_revoked(state: AppState, ident: Identity) -> None:
    # Authentication happens once, at connect; a stream must not outlive its token.
    while state.tokens.known(ident.token_sha256):
        await asyncio.sleep(CREDENTIAL_RECHECK_S)


async def _refuse(websocket: WebSocket, subprotocol: str | None, code: int, sentence: str) -> None:
    await websocket.accept(subprotocol=subprotocol)
    await websocket.send_text(json.dumps({"type": "error", "message": sentence}))
    await websocket.close(code=code, reason=sentence[:120])


@router.websocket("/ws/logs")
async def ws_logs(websocket: WebSocket, state: Annotated[AppState, Depends(get_state)]) -> None:
    offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    subprotocol = SUBPROTOCOL if SUBPROTOCOL in offered else None
    params = websocket.query_params
    try:
        filters = LogFilter.build(
            params.get("q", "")[:2000],
            params.getlist("service"),
            params.getlist("level"),
            params.getlist("category"),
            params.getlist("host"),
        )
    except ApiError as exc:
        await _refuse(websocket, subprotocol, 1008, exc.detail)
        return
    hub = state.hub
    api = state.config.api
    ident = identity_of(websocket.scope)
    if len(hub.clients) >= api.ws_max_clients:
        await _refuse(
            websocket,
            subprotocol,
            1013,
            f"The live tail has its maximum of {api.ws_max_clients} clients: try again later.",
        )
        return
    if sum(1 for c in hub.clients if c.owner == ident.key) >= api.ws_max_clients_per_identity:
        await _refuse(
            websocket,
            subprotocol,
            1013,
            f"'{ident.name}' already has {api.ws_max_clients_per_identity} live tails open: close one first.",
        )
        return
    conn = ConnState.CONNECTING
    client = hub.subscribe(filters.predicate(), api.ws_queue_size, ident.key)
    tasks: set[asyncio.Task[None]] = set()
    try:
        await websocket.accept(subprotocol=subprotocol)
        conn = ConnState.OPEN
        await websocket.send_text(
            json.dumps(
                {
                    "type": "hello",
                    "filters": filters.as_params(),
                    "queue_size": state.config.api.ws_queue_size,
                    "tail": hub.status.value,
                }
            )
        )
        if hub.status == HubStatus.UNAVAILABLE:
            client.notify({"type": "status", "tail": hub.status.value, "message": hub.status_detail})
        tasks = {
            asyncio.create_task(_send_loop(websocket, client, state)),
            asyncio.create_task(_receive_loop(websocket)),
        }
        revoked = asyncio.create_task(_until_revoked(state, ident)) if ident.token_sha256 else None
        if revoked is not None:
            tasks.add(revoked)
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if revoked in done:
            await websocket.close(code=1008, reason="The API token was revoked: sign in again.")
        for task in done:
            error = task.exception()
            if error is not None and conn == ConnState.OPEN:
                # Sending to a peer that just left raises one of several library errors: all mean "gone".
                logger.debug("live tail client gone error=%r", type(error).__name__)
    finally:
        conn = ConnState.CLOSED
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        hub.unsubscribe(client)
