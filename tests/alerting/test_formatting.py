"""Message layout without any server: Telegram HTML splitting, dashboard links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alerting.format import dashboard_link, window_text
from alerting.senders import AlertGroup
from alerting.senders.telegram import telegram_messages
from core.alert import parse_alert
from tests.alerting.chat_servers import telegram_visible, utf16_units
from tests.alerting.helpers import alert_dict

tricky_text = st.text(alphabet=st.sampled_from(list("ab <>&*_\"'\n€😀ä")), min_size=1, max_size=3000)


@settings(max_examples=60, deadline=None)
@given(
    samples=st.lists(tricky_text, min_size=1, max_size=3),
    rule=st.text(min_size=1, max_size=60).filter(str.strip),
    limit=st.sampled_from([200, 1000, 4096]),
    count=st.integers(1, 3),
)
def test_telegram_parts_parse_fit_the_limit_and_lose_no_text(
    samples: list[str], rule: str, limit: int, count: int
) -> None:
    alerts = tuple(parse_alert(alert_dict(rule=rule, samples=samples, service=f"s{i}")) for i in range(count))
    parts = telegram_messages(AlertGroup("r", alerts, "https://logs.example.org"), limit=limit)
    seen = []
    for part in parts:
        visible, error = telegram_visible(part)
        assert error is None, part
        assert 0 < utf16_units(visible) <= limit
        seen.append(visible)
    joined = "".join(seen).replace("\n", "")
    for sample in samples:
        assert sample.replace("\n", "") in joined


def test_a_message_within_the_limit_is_one_part() -> None:
    parts = telegram_messages(AlertGroup("r", (parse_alert(alert_dict()),)))
    assert len(parts) == 1
    assert parts[0].startswith("<b>🟠 HIGH error-rate</b>\nService: <code>payments</code>")


def test_dashboard_link_prefers_the_rules_url_on_our_host_and_drops_unsafe_ones() -> None:
    base = "https://logs.example.org/"
    built = dashboard_link(parse_alert(alert_dict(service="a b&c")), base)
    # The same link core.contract.dashboard_url builds for every part: the dashboard reads "+" as a space.
    assert built is not None and built.startswith("https://logs.example.org/?service=a+b%26c&from=")
    assert "&to=" in built
    assert (
        dashboard_link(parse_alert(alert_dict(dashboard_url="/search?q=x")), base)
        == "https://logs.example.org/search?q=x"
    )
    assert (
        dashboard_link(parse_alert(alert_dict(dashboard_url="https://logs.example.org/x|y>z")), base)
        == "https://logs.example.org/x%7Cy%3Ez"
    )
    # Audit L6: a link to another host, from anyone who can write the alerts topic, is replaced by our own.
    other = dashboard_link(parse_alert(alert_dict(dashboard_url="https://evil.example/sso")), base)
    assert other is not None and other.startswith("https://logs.example.org/?service=payments&from=")
    assert dashboard_link(parse_alert(alert_dict(dashboard_url="http://logs.example.org/x")), base) != (
        "http://logs.example.org/x"
    )
    unsafe = dashboard_link(parse_alert(alert_dict(dashboard_url="javascript:alert(1)")), base)
    assert unsafe is not None and unsafe.startswith("https://logs.example.org/?service=payments")
    assert dashboard_link(parse_alert(alert_dict(dashboard_url="javascript:alert(1)")), "") is None
    assert dashboard_link(parse_alert(alert_dict(dashboard_url="https://evil.example/")), "") is None
    assert dashboard_link(parse_alert(alert_dict()), "") is None


def test_window_text_shows_date_times_and_length() -> None:
    alert = parse_alert(alert_dict(window_start="2025-03-01T10:00:00Z", window_end="2025-03-01T10:05:00Z"))
    assert window_text(alert) == "2025-03-01 10:00:00 → 10:05:00 UTC (5 min)"
