"""An inventory service: reservations, stock levels, restocks, warehouse syncs, a database under pressure."""

from __future__ import annotations

import logging

from producers.demo.base import TRACE, Ctx, LogLine, Simulator, Template, capture

__all__ = ["Inventory"]


class PoolExhausted(RuntimeError):
    """No database connection became free in time."""


def _acquire(pool: str, wait_ms: int) -> None:
    raise PoolExhausted(f"pool {pool}: no connection available after {wait_ms} ms (size 20, in use 20)")


def _reserve(c: Ctx) -> LogLine:
    qty = c.rng.randint(1, 4)
    return LogLine(
        logging.INFO,
        f"Reserved {qty} x {c.sku()} for order {c.order_id()} in warehouse {c.warehouse()}",
        "reservations",
        "business",
        {"quantity": qty},
    )


def _release(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Reservation for order {c.order_id()} expired after 15 min; released {c.rng.randint(1, 3)} units of {c.sku()}",
        "reservations",
        "business",
    )


def _low(c: Ctx) -> LogLine:
    left = c.rng.randint(0, 9)
    return LogLine(
        logging.WARNING,
        f"Low stock for {c.sku()} in {c.warehouse()}: {left} units left (reorder point 10)",
        "stock",
        "business",
        {"units": left},
    )


def _out(c: Ctx) -> LogLine:
    return LogLine(
        logging.ERROR,
        f"Out of stock: {c.sku()} unavailable in all warehouses; order {c.order_id()} backordered",
        "stock",
        "business",
    )


def _restock(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Restock received at {c.warehouse()}: {c.rng.randint(50, 2000)} units of {c.sku()}",
        "receiving",
        "business",
    )


def _sync(c: Ctx) -> LogLine:
    ms = c.latency_ms(800, storm_factor=8)
    return LogLine(
        logging.INFO if ms < 3000 else logging.WARNING,
        f"Warehouse sync with {c.warehouse()} finished in {ms} ms, {c.rng.randint(0, 300)} SKUs changed",
        "sync",
        "performance",
        {"duration_ms": ms},
        trace=False,
    )


def _pool(c: Ctx) -> LogLine:
    wait = c.rng.randint(1000, 5000)
    return LogLine(
        logging.ERROR,
        "Could not update stock level: database connection pool exhausted",
        "db",
        "performance",
        {"wait_ms": wait},
        exception=capture(_acquire, "inventory-rw", wait),
    )


def _query(c: Ctx) -> LogLine:
    return LogLine(
        TRACE,
        f"SELECT quantity FROM stock WHERE sku = '{c.sku()}' took {c.latency_ms(3)} ms",
        "db",
        "performance",
    )


def _cache(c: Ctx) -> LogLine:
    return LogLine(logging.DEBUG, f"Stock cache refreshed for {c.rng.randint(100, 900)} hot SKUs", "cache", "general")


def _disk(c: Ctx) -> LogLine:
    used = c.rng.randint(80, 97)
    return LogLine(
        logging.WARNING if used < 95 else logging.CRITICAL,
        f"Disk usage on /var/lib/postgresql at {used}% on {c.internal_ip()}",
        "db",
        "performance",
        {"disk_pct": used},
        trace=False,
    )


def _start(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Worker {c.hex(6)} started, consuming from queue stock-events (concurrency {c.pick((4, 8, 16))})",
        "worker",
        "general",
        trace=False,
    )


def _config(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Feature flag 'split-shipments' set to {c.pick(('on', 'off'))} by config reload",
        "config",
        "general",
        trace=False,
    )


def _sensor(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Scanner {c.warehouse()}-dock-{c.rng.randint(1, 12)} battery at {c.rng.randint(20, 100)}%",
        "devices",
        "general",
        trace=False,
    )


class Inventory(Simulator):
    name = "inventory"
    weight = 0.15
    version = "1.19.4"
    templates: tuple[Template, ...] = (
        (30, _reserve),
        (6, _release),
        (5, _low),
        (1, _out),
        (4, _restock),
        (3, _sync),
        (0.6, _pool),
        (8, _query),
        (8, _cache),
        (0.7, _disk),
        (0.5, _start),
        (0.5, _config),
        (2, _sensor),
    )
    incident_templates = {"latency_storm": ((3, _sync), (3, _pool), (1, _disk))}
