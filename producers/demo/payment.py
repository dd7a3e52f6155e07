"""A payment service: authorisations, declines, refunds, and a provider that can go down."""

from __future__ import annotations

import logging

from producers.demo.base import TRACE, Ctx, LogLine, Simulator, Template, capture

__all__ = ["Payment"]

_PROVIDERS = ("stripe", "adyen")
_CURRENCIES = ("EUR", "EUR", "USD", "GBP", "BRL", "JPY")
_BRANDS = ("visa", "mastercard", "amex")
_DECLINES = ("insufficient_funds", "card_expired", "do_not_honor", "suspected_fraud", "incorrect_cvc")


class GatewayTimeout(TimeoutError):
    """The payment provider did not answer in time."""


class ProviderUnavailable(ConnectionError):
    """The payment provider refused the connection."""


def _authorize(provider: str, amount: float) -> None:
    raise GatewayTimeout(f"{provider} did not answer POST /v1/payment_intents within 10000 ms")


def _connect(provider: str) -> None:
    raise ProviderUnavailable(f"connection to api.{provider}.example refused (ECONNREFUSED)")


def _paid(c: Ctx) -> LogLine:
    amount, cur = c.amount(), c.pick(_CURRENCIES)
    return LogLine(
        logging.INFO,
        f"Payment authorized for order {c.order_id()}: {amount:.2f} {cur} via "
        f"{c.pick(_PROVIDERS)} ({c.pick(_BRANDS)} **** {c.rng.randint(1000, 9999)})",
        "payments",
        "business",
        {"amount": amount, "currency": cur},
    )


def _checkout(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Checkout completed: order {c.order_id()} with {c.rng.randint(1, 5)} items, user {c.user_id()}",
        "checkout",
        "business",
    )


def _subscription(c: Ctx) -> LogLine:
    plan = c.pick(("premium", "family", "student"))
    return LogLine(
        logging.INFO,
        f"Subscription renewed: {plan} plan for user {c.user_id()}, next billing in 30 days",
        "billing",
        "business",
        {"plan": plan},
    )


def _declined(c: Ctx) -> LogLine:
    reason = c.pick(_DECLINES)
    return LogLine(
        logging.WARNING,
        f"Card declined for order {c.order_id()}: {reason}",
        "payments",
        "business",
        {"decline_code": reason},
    )


def _refund(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO, f"Refund of {c.amount():.2f} EUR issued for order {c.order_id()}", "refunds", "business"
    )


def _chargeback(c: Ctx) -> LogLine:
    return LogLine(
        logging.ERROR,
        f"Chargeback received for order {c.order_id()}: reason 'fraudulent', amount {c.amount():.2f} USD",
        "disputes",
        "business",
    )


def _fraud(c: Ctx) -> LogLine:
    score = round(c.rng.uniform(0.8, 0.99), 2)
    return LogLine(
        logging.WARNING,
        f"Payment blocked by fraud rules: risk score {score} for card issued in "
        f"another country than IP {c.public_ip()}",
        "risk",
        "security",
        {"risk_score": score},
    )


def _provider_latency(c: Ctx) -> LogLine:
    ms = c.latency_ms(420)
    return LogLine(
        logging.WARNING if ms > 1500 else logging.DEBUG,
        f"Provider {c.pick(_PROVIDERS)} responded in {ms} ms",
        "gateway",
        "performance",
        {"duration_ms": ms},
    )


def _idempotent(c: Ctx) -> LogLine:
    return LogLine(
        logging.DEBUG,
        f"Idempotency key idem_{c.hex(16)} replayed; returning stored response",
        "payments",
        "general",
    )


def _webhook(c: Ctx) -> LogLine:
    return LogLine(
        TRACE, f"Webhook payment_intent.succeeded evt_{c.hex(14)} verified and queued", "webhooks", "general"
    )


def _card_leak(c: Ctx) -> LogLine:
    # Another mistake redaction must catch: a full test card number in a debug dump.
    return LogLine(
        logging.DEBUG,
        f"Raw provider payload card_number=4111111111111111 exp=12/29 cvc={c.rng.randint(100, 999)}",
        "gateway",
        "security",
    )


def _reconcile(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Nightly settlement reconciliation matched {c.rng.randint(5000, 9000)} of "
        f"{c.rng.randint(9000, 9100)} transactions",
        "settlement",
        "business",
        trace=False,
    )


def _outage_timeout(c: Ctx) -> LogLine:
    provider = c.pick(_PROVIDERS)
    return LogLine(
        logging.ERROR,
        f"Payment authorization failed for order {c.order_id()}: gateway timeout from {provider}",
        "gateway",
        "business",
        exception=capture(_authorize, provider, c.amount()),
    )


def _outage_refused(c: Ctx) -> LogLine:
    provider = c.pick(_PROVIDERS)
    return LogLine(
        logging.ERROR,
        f"Cannot reach payment provider {provider}",
        "gateway",
        "general",
        exception=capture(_connect, provider),
    )


def _outage_breaker(c: Ctx) -> LogLine:
    return LogLine(
        logging.CRITICAL,
        f"Circuit breaker OPEN for provider {c.pick(_PROVIDERS)}: "
        f"{c.rng.randint(50, 100)}% of authorizations failing over the last 60 s",
        "gateway",
        "business",
    )


def _outage_checkout(c: Ctx) -> LogLine:
    return LogLine(
        logging.ERROR,
        f"Checkout failed for order {c.order_id()}: payment could not be processed, cart kept for user {c.user_id()}",
        "checkout",
        "business",
    )


class Payment(Simulator):
    name = "payment"
    weight = 0.10
    version = "7.0.2"
    templates: tuple[Template, ...] = (
        (30, _paid),
        (14, _checkout),
        (6, _subscription),
        (7, _declined),
        (3, _refund),
        (0.5, _chargeback),
        (1.5, _fraud),
        (8, _provider_latency),
        (3, _idempotent),
        (4, _webhook),
        (0.2, _card_leak),
        (0.3, _reconcile),
    )
    incident_templates = {
        "payment_outage": (
            (10, _outage_timeout),
            (4, _outage_refused),
            (2, _outage_breaker),
            (8, _outage_checkout),
        )
    }

    def next(self, incidents: frozenset[str] = frozenset()) -> LogLine:
        line = super().next(incidents)
        if "payment_outage" in incidents and line.category == "business" and line.level == logging.INFO:
            # During the outage successful payments mostly stop happening.
            return _outage_checkout(self._ctx(incidents)) if self.rng.random() < 0.8 else line
        return line

    def _ctx(self, incidents: frozenset[str]) -> Ctx:
        return Ctx(self.rng, incidents)
