"""A flight: records handed to the client together, acknowledged by count, failed by index."""

from __future__ import annotations

from producers import LogProducer
from producers.buffer import Buffer, Flight
from tests.producers.doubles import FakeBroker
from tests.producers.helpers import wait_until


def filled(values: list[bytes]) -> tuple[Buffer, Flight]:
    """A buffer holding ``values`` (key ``k``) and one flight carrying all of them, handed to a client."""
    buf = Buffer(max_events=100, max_bytes=1 << 20, drop_old=False)
    for value in values:
        assert buf.put(b"k", value, truncated=False, block_s=0)
    flight = Flight(buf.take())
    buf.launch(flight)
    flight.sent = len(values)
    return buf, flight


def test_a_record_named_by_its_content_maps_back_to_each_index_once() -> None:
    flight = Flight([(b"k", b"a", 0.0, None), (b"k", b"b", 0.0, None), (b"k", b"a", 0.0, None)])
    assert flight.index_of(b"k", b"a") == 0
    assert flight.index_of(b"k", b"b") == 1
    assert flight.index_of(b"k", b"a") == 2


def test_a_landed_flight_gives_its_acknowledged_records_room_back_and_the_counts_balance() -> None:
    buf, flight = filled([b"one", b"two", b"three"])
    flight.ack()
    flight.ack()
    flight.fail(1, ValueError("rejected"))
    assert buf.count_acks(flight) == 2 and buf.count_acks(flight) == 0
    assert not flight.resolved
    buf.mark_failed([flight.records[1]])  # what the sender does with a failure it cannot retry
    flight.handled = 1
    assert flight.resolved
    buf.land(flight)
    stats = buf.stats()
    assert (stats.sent, stats.failed, stats.queued) == (2, 1, 0) and stats.balanced
    assert buf.inflight == [] and (buf.mem_events, buf.mem_bytes) == (0, 0)


def test_an_open_flight_at_shutdown_gives_back_only_its_unreported_records() -> None:
    buf, flight = filled([b"one", b"two", b"three", b"four"])
    flight.ack()
    buf.count_acks(flight)
    flight.fail(0, ValueError("rejected"))
    buf.mark_failed([flight.records[0]])
    flight.handled = 1
    left = buf.drain_all()
    assert [r[1] for r in left] == [b"three", b"four"]
    buf.mark_dropped(left, "shutdown")
    stats = buf.stats()
    assert (stats.sent, stats.failed, stats.dropped, stats.queued) == (1, 1, {"shutdown": 2}, 0) and stats.balanced


def test_records_refused_in_the_middle_of_a_batch_are_sent_again_in_their_order() -> None:
    broker = FakeBroker(up=False)
    producer = LogProducer("svc", transport_factory=broker.factory)
    for i in range(3000):  # queued while Kafka is away: the sender takes them as one batch of three flights
        producer.send_raw(b"%d" % i)
    broker.down_after = 1500  # the second flight is refused halfway
    broker.up = True
    assert wait_until(lambda: len(broker.values()) >= 1500 and not broker.up, 10)
    broker.up = True
    assert [int(v) for v in broker.wait_for(3000)] == list(range(3000))
    assert producer.close(5) == 0 and producer.stats().sent == 3000
