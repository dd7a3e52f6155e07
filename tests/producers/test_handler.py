"""KafkaLogHandler: LogRecords to events, ignored loggers, re-entry, dictConfig."""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Callable, Iterator

import pytest

from producers import KafkaLogHandler, LogProducer
from tests.producers.doubles import FakeBroker
from tests.producers.helpers import assert_event_schema, decode_all

Factory = Callable[..., LogProducer]


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("shop.checkout")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def _events(producer: LogProducer, broker: FakeBroker) -> list[dict[str, object]]:
    producer.flush(5)
    return decode_all(broker.values())


def test_records_become_events_with_logger_level_and_attributes(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.addHandler(KafkaLogHandler(producer))
    app_logger.info("order %s paid: %.2f EUR", "o-1", 42.5, extra={"order_id": "o-1", "amount": 42.5})
    app_logger.warning("slow checkout", extra={"trace_id": "abc", "span_id": "def", "latency_ms": 812})
    app_logger.debug("cart loaded")
    (paid, slow, cart) = _events(producer, fake_broker)
    for event in (paid, slow, cart):
        assert_event_schema(event)
        assert event["logger"] == "shop.checkout" and event["service"] == "test-svc"
    assert paid["message"] == "order o-1 paid: 42.50 EUR" and paid["level"] == "INFO"
    assert paid["attributes"] == {"order_id": "o-1", "amount": 42.5}
    assert slow["level"] == "WARN" and slow["trace_id"] == "abc" and slow["span_id"] == "def"
    assert slow["attributes"] == {"latency_ms": 812}
    assert cart["level"] == "DEBUG" and "attributes" not in cart


def test_exc_info_becomes_the_exception_object(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.addHandler(KafkaLogHandler(producer))
    try:
        {}["card"]  # noqa: B018 - raising on purpose
    except KeyError:
        app_logger.exception("payment failed for order %s", "o-9")
    (event,) = _events(producer, fake_broker)
    assert event["level"] == "ERROR" and event["message"] == "payment failed for order o-9"
    assert event["exception"]["type"] == "KeyError"
    assert event["exception"]["message"] == "'card'"
    assert "raise" not in event["exception"]["type"] and '{}["card"]' in event["exception"]["stacktrace"]


def test_custom_and_numeric_levels_map_onto_the_design_levels(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.setLevel(1)
    app_logger.addHandler(KafkaLogHandler(producer))
    for levelno in (5, 15, 25, 35, 45, 55):
        app_logger.log(levelno, f"level {levelno}")
    levels = [e["level"] for e in _events(producer, fake_broker)]
    assert levels == ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"]


def test_kafka_and_own_loggers_are_ignored(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory()
    handler = KafkaLogHandler(producer)
    for name in ("kafka", "kafka.conn", "producers", "producers.sender", "kafkaesque", "app"):
        handler.handle(logging.LogRecord(name, logging.ERROR, __file__, 1, "from %s", (name,), None))
    assert [e["logger"] for e in _events(producer, fake_broker)] == ["kafkaesque", "app"]


def test_reentry_from_inside_emit_is_guarded(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.addHandler(KafkaLogHandler(producer))

    class Chatty:
        def __str__(self) -> str:
            app_logger.error("logged while serialising")  # would recurse forever without the guard
            return "chatty"

    app_logger.info("outer", extra={"thing": Chatty()})
    (event,) = _events(producer, fake_broker)
    assert event["message"] == "outer" and event["attributes"] == {"thing": "chatty"}


def test_bad_format_arguments_do_not_lose_the_line(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory()
    # Straight to the handler: pytest's own capture handler would fail the test on the bad format.
    KafkaLogHandler(producer).handle(
        logging.LogRecord("app", logging.INFO, __file__, 1, "needs two %s %s", ("one",), None)
    )
    (event,) = _events(producer, fake_broker)
    assert event["message"].startswith("needs two %s %s (unformattable arguments")


def test_handler_service_overrides_the_producer_service(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.addHandler(KafkaLogHandler(producer, service="payment"))
    app_logger.info("charged", extra={"env": "prod"})
    app_logger.info("charged again")
    events = _events(producer, fake_broker)
    assert [e["service"] for e in events] == ["payment", "payment"]
    assert events[0]["env"] == "prod"
    assert [k for k, _ in fake_broker.records] == [b"payment", b"payment"]


def test_dictconfig_builds_and_owns_its_producer(fake_broker: FakeBroker) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "kafka": {
                    "class": "producers.KafkaLogHandler",
                    "level": "INFO",
                    "service": "inventory",
                    "bootstrap_servers": "127.0.0.1:9092",
                    "transport_factory": fake_broker.factory,
                },
            },
            "loggers": {"inventory": {"handlers": ["kafka"], "level": "INFO", "propagate": False}},
        }
    )
    logger = logging.getLogger("inventory")
    try:
        logger.info("stock reserved", extra={"sku": "SKU-1"})
        logger.debug("not shipped: below the handler level")
        (handler,) = logger.handlers
        assert isinstance(handler, KafkaLogHandler)
        handler.flush()
        (event,) = decode_all(fake_broker.values())
        assert event["service"] == "inventory" and event["attributes"] == {"sku": "SKU-1"}
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
    assert handler.producer.stats().queued == 0 and not handler.producer.emit("INFO", "closed")


def test_attributes_added_by_a_custom_record_factory_are_kept(
    producer_factory: Factory, fake_broker: FakeBroker, app_logger: logging.Logger
) -> None:
    producer = producer_factory()
    app_logger.addHandler(KafkaLogHandler(producer))
    original = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = original(*args, **kwargs)
        record.otel_trace = "0af7651916cd43dd8448eb211c80319c"
        return record

    logging.setLogRecordFactory(factory)
    try:
        app_logger.info("traced", extra={"order_id": "o-5"})
    finally:
        logging.setLogRecordFactory(original)
    (event,) = _events(producer, fake_broker)
    assert event["attributes"] == {"otel_trace": "0af7651916cd43dd8448eb211c80319c", "order_id": "o-5"}
