"""WS /ws/logs: live tail from a real Kafka topic with server-side filters, and per-client drop-and-notice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from api.app import create_app
from api.tail import TailClient
from api.tokens import TokenStore
from tests.api.conftest import AppFactory, make_config
from tests.api.seed import make_doc
from tests.api.server import running_server


def sample(state: Any, name: str) -> float:
    return float(state.metrics.registry.get_sample_value(name) or 0.0)


def recv(ws: ClientConnection, timeout_s: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=timeout_s))
    return message


def collect_logs(ws: ClientConnection, count: int, timeout_s: float = 20.0) -> tuple[list[dict[str, Any]], list]:
    """Log documents until ``count`` arrived; also returns the other (control) messages seen."""
    docs: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while len(docs) < count:
        message = recv(ws, max(0.1, deadline - time.monotonic()))
        if message["type"] == "logs":
            docs += message["items"]
        else:
            other.append(message)
    return docs, other


# ------------------------------------------------------------------------------------------ unit


def test_tail_client_full_queue_drops_and_notifies() -> None:
    async def scenario() -> list[dict[str, Any]]:
        client = TailClient(lambda d: d["service"] == "a", queue_size=3)
        docs = [{"service": "a", "n": i} for i in range(10)] + [{"service": "b", "n": 99}]
        assert client.offer(docs) == 7
        return await client.next_messages()

    messages = asyncio.run(scenario())
    assert messages[0]["type"] == "dropped" and messages[0]["count"] == 7
    assert "7 log lines were skipped" in messages[0]["message"]
    assert [d["n"] for d in messages[1]["items"]] == [0, 1, 2]


def test_tail_client_bad_document_does_not_match() -> None:
    client = TailClient(lambda d: d["missing"]["x"] == 1, queue_size=3)
    assert client.offer([{"service": "a"}]) == 0 and client.queue.qsize() == 0


# ---------------------------------------------------------------------------------- integration


@pytest.fixture
def tail_server(
    tmp_path: Path, kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> Iterator[tuple[str, str, Any]]:
    topic = topic_factory(3)
    app = create_app(
        make_config(tmp_path, kafka=kafka_bootstrap, classified_topic=topic, ws_queue_size=50, ws_max_clients=3)
    )
    with running_server(app) as url:
        yield url.replace("http://", "ws://"), topic, app.state.logwatch


@pytest.fixture
def producer(kafka_bootstrap: str) -> Iterator[KafkaProducer]:
    p = KafkaProducer(bootstrap_servers=kafka_bootstrap, linger_ms=5)
    yield p
    p.close(timeout=5)


def send(producer: KafkaProducer, topic: str, docs: list[Any]) -> None:
    for doc in docs:
        value = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        producer.send(topic, value=value, key=b"k")
    producer.flush(10)


@pytest.mark.integration
def test_ws_tail_streams_only_matching_documents(tail_server: tuple[str, str, Any], producer: KafkaProducer) -> None:
    base, topic, state = tail_server
    url = f"{base}/ws/logs?service=checkout,auth&q=-level:debug"
    with connect(url, subprotocols=["logwatch"]) as ws:  # type: ignore[list-item]
        hello = recv(ws)
        assert hello["type"] == "hello" and hello["filters"]["service"] == ["checkout", "auth"]
        assert state.hub.wait_ready(30)
        now = datetime.now(UTC)
        docs = [make_doc(i, now) for i in range(40)]
        send(producer, topic, [b"not json", b"[1,2]", *docs])
        wanted = [d for d in docs if d["service"] in ("checkout", "auth") and d["level"] != "DEBUG"]
        got, _ = collect_logs(ws, len(wanted))
        assert sorted(d["event_id"] for d in got) == sorted(d["event_id"] for d in wanted)
        assert all(d["service"] in ("checkout", "auth") and d["level"] != "DEBUG" for d in got)
    deadline = time.monotonic() + 5
    while state.hub.clients and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not state.hub.clients  # a disconnect unsubscribes
    assert sample(state, "logwatch_api_tail_bad_records_total") == 2


@pytest.mark.integration
def test_ws_bad_filter_gets_error_and_close(tail_server: tuple[str, str, Any]) -> None:
    base, _, _ = tail_server
    with connect(f"{base}/ws/logs?q=(oops") as ws:
        message = recv(ws)
        assert message["type"] == "error" and "never closed" in message["message"]
        with pytest.raises(ConnectionClosed) as info:
            recv(ws)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1008


@pytest.mark.integration
def test_ws_client_limit(tail_server: tuple[str, str, Any]) -> None:
    base, _, _ = tail_server
    with contextlib.ExitStack() as stack:
        for _ in range(3):
            ws = stack.enter_context(connect(f"{base}/ws/logs"))
            assert recv(ws)["type"] == "hello"
        with connect(f"{base}/ws/logs") as extra:
            message = recv(extra)
            assert message["type"] == "error" and "maximum of 3 clients" in message["message"]


@pytest.mark.integration
def test_ws_slow_client_gets_a_drop_notice_not_a_growing_buffer(tail_server: tuple[str, str, Any]) -> None:
    base, _, state = tail_server
    # A client that stops reading: the socket buffers fill, then its 50-document queue, and from then on
    # documents for it are dropped and counted; when it reads again it is told how many it missed.
    # Documents enter at the hub's input (publish), as the Kafka consumer thread hands them over.
    sock = socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    with connect(f"{base}/ws/logs", sock=sock, max_size=None, max_queue=1) as ws:
        assert recv(ws)["type"] == "hello"
        now = datetime.now(UTC)
        filler = "x" * 10_000
        total = 3000
        for start in range(0, total, 100):
            assert state.hub.publish(
                [make_doc(i, now, message=f"bulk {i} {filler}") for i in range(start, start + 100)]
            )
        deadline = time.monotonic() + 20
        while sample(state, "logwatch_api_ws_messages_dropped_total") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sample(state, "logwatch_api_ws_messages_dropped_total") > 0
        assert all(c.queue.qsize() <= 50 for c in state.hub.clients)
        received, notices = 0, []
        while True:
            try:
                message = recv(ws, 2.0)
            except TimeoutError:
                break
            if message["type"] == "logs":
                received += len(message["items"])
            else:
                notices.append(message)
        dropped = sample(state, "logwatch_api_ws_messages_dropped_total")
        drops = [n for n in notices if n["type"] == "dropped"]
        assert drops and {n["type"] for n in notices} <= {"dropped", "status"}
        assert sum(n["count"] for n in drops) == dropped == drops[-1]["total"]
        assert received + dropped == total


# ------------------------------------------------------------------------------------ who may stream


def bearer_protocols(token: str) -> list[Any]:
    return ["logwatch", f"bearer.{token}"]


def test_ws_streams_per_identity_are_capped(app_factory: AppFactory, tmp_path: Path) -> None:
    # Audit L7: the client limit was global, so one token could take every live-tail slot.
    client = app_factory(
        make_config(tmp_path, auth="required", rate_limit_per_s=0, ws_max_clients=10, ws_max_clients_per_identity=2)
    )
    store = TokenStore.for_var_dir(tmp_path)
    greedy, other = store.create("greedy"), store.create("other")
    with contextlib.ExitStack() as stack:
        for _ in range(2):
            ws = stack.enter_context(client.websocket_connect("/ws/logs", subprotocols=bearer_protocols(greedy)))
            assert ws.receive_json()["type"] == "hello"
        with client.websocket_connect("/ws/logs", subprotocols=bearer_protocols(greedy)) as extra:
            message = extra.receive_json()
            assert message["type"] == "error" and "'greedy' already has 2 live tails" in message["message"]
        with client.websocket_connect("/ws/logs", subprotocols=bearer_protocols(other)) as ws:
            assert ws.receive_json()["type"] == "hello"


def test_ws_stream_ends_when_its_token_is_revoked(tmp_path: Path) -> None:
    # Audit L7: authentication happened only at connect, so a revoked token kept streaming.
    store = TokenStore.for_var_dir(tmp_path)
    token = store.create("tail")
    app = create_app(make_config(tmp_path, auth="required", rate_limit_per_s=0))
    with running_server(app) as url:
        ws_url = url.replace("http://", "ws://") + "/ws/logs"
        with connect(ws_url, subprotocols=bearer_protocols(token)) as ws:
            assert recv(ws)["type"] == "hello"
            store.revoke("tail")
            with pytest.raises(ConnectionClosed) as info:
                while True:  # status notices may come first; the close must follow
                    recv(ws, 30)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1008 and "revoked" in info.value.rcvd.reason
