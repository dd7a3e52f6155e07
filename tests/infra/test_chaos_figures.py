"""The chaos run's accounting (bench/chaos.py): where each acknowledged record went, which alerts fired."""

from __future__ import annotations

from alerting.senders import AlertGroup
from alerting.senders.slack import slack_message
from bench.chaos import firing_services, tally
from core.alert import parse_alert
from tests.alerting.helpers import alert_dict


def test_tally_counts_lost_duplicated_and_unexpected_sources() -> None:
    expected = {"0/1", "0/2", "1/3", "2/4"}
    figures = tally(
        expected,
        indexed=["0/1", "0/1", "2/4", "0/9"],  # 0/1 indexed twice; 0/9 never acknowledged
        dead=["1/3", "2/4"],  # 2/4 both indexed and dead-lettered
        classified=["0/1", "2/4"],
    )
    assert figures == {
        "sent_acked": 4,
        "indexed": 2,
        "dead_lettered": 1,
        "lost": 1,  # 0/2
        "duplicated": 1,  # 2/4: once on logs.classified, once on logs.dlq
        "indexed_twice": 1,
        "unexpected": 1,
    }


def test_firing_services_reads_single_and_grouped_slack_messages() -> None:
    def message(*alerts: dict[str, object]) -> dict[str, object]:
        return slack_message(AlertGroup("team", tuple(parse_alert(alert_dict(**a)) for a in alerts)))

    assert firing_services(message({"service": "auth-1"})) == ["auth-1"]
    assert firing_services(message({"service": "auth-1", "status": "resolved"})) == []
    grouped = message({"service": "auth-1", "status": "resolved"}, {"service": "auth-2"}, {"service": "auth-3"})
    assert sorted(firing_services(grouped)) == ["auth-2", "auth-3"]
