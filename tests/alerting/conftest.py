"""Fixtures for the alerting tests: local chat servers and a consumer running in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from alerting.consumer import AlertConsumer
from core.config import Config
from tests.alerting.chat_servers import SlackServer, TelegramServer


@pytest.fixture
def slack_server() -> Iterator[SlackServer]:
    server = SlackServer()
    yield server
    server.close()


@pytest.fixture
def telegram_server() -> Iterator[TelegramServer]:
    server = TelegramServer()
    yield server
    server.close()


@pytest.fixture
def run_consumer() -> Iterator[Callable[[Config, dict[str, str]], AlertConsumer]]:
    """Starts :class:`AlertConsumer` in a thread; every one started is stopped (and must stop) at teardown."""
    running: list[tuple[AlertConsumer, threading.Thread, list[BaseException]]] = []

    def start(config: Config, env: dict[str, str]) -> AlertConsumer:
        consumer = AlertConsumer(config, env=env)
        errors: list[BaseException] = []

        def target() -> None:
            try:
                consumer.run()
            except BaseException as exc:  # surfaced at teardown
                errors.append(exc)

        thread = threading.Thread(target=target, name="test-alert-consumer", daemon=True)
        thread.start()
        running.append((consumer, thread, errors))
        return consumer

    yield start
    for consumer, thread, errors in running:
        consumer.stop_event.set()
        thread.join(30)
        assert not thread.is_alive(), "the consumer did not stop within 30 s"
        if errors:
            raise errors[0]
