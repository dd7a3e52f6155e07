"""An authentication service: logins, tokens, MFA, lockouts, access decisions and audit events."""

from __future__ import annotations

import logging

from producers.demo.base import TRACE, Ctx, LogLine, Simulator, Template

__all__ = ["Auth"]

_ATTACKERS = ("203.0.113.66", "198.51.100.23", "192.0.2.200")
_TARGETS = ("admin", "root", "test", "oracle", "support", "alice", "deploy", "jenkins", "postgres", "info")


def _login_ok(c: Ctx) -> LogLine:
    user = c.username()
    return LogLine(
        logging.INFO,
        f"User {user} logged in from {c.public_ip()} via {c.pick(('password', 'sso', 'passkey'))}",
        "login",
        "security",
        {"user": user},
    )


def _login_failed(c: Ctx) -> LogLine:
    user = c.username()
    return LogLine(
        logging.WARNING,
        f"Failed login for user {user} from {c.public_ip()}: invalid password",
        "login",
        "security",
        {"user": user, "reason": "invalid_password"},
    )


def _token(c: Ctx) -> LogLine:
    return LogLine(
        logging.DEBUG,
        f"Issued access token for {c.user_id()} expires_in=3600 scope=read:library",
        "tokens",
        "security",
    )


def _token_leak(c: Ctx) -> LogLine:
    # A realistic mistake the pipeline's redaction must catch: a credential written to a debug log.
    return LogLine(
        logging.DEBUG,
        f"Refresh request headers: Authorization: Bearer {c.token()} client_secret={c.token(18)}",
        "tokens",
        "security",
    )


def _expired(c: Ctx) -> LogLine:
    return LogLine(logging.INFO, f"JWT expired for session sess_{c.hex(10)}; client must refresh", "tokens", "security")


def _mfa(c: Ctx) -> LogLine:
    ok = c.rng.random() < 0.9
    return LogLine(
        logging.INFO if ok else logging.WARNING,
        f"MFA challenge {'passed' if ok else 'failed'} for {c.username()} (totp)",
        "mfa",
        "security",
    )


def _denied(c: Ctx) -> LogLine:
    return LogLine(
        logging.WARNING,
        f"Access denied: user {c.username()} with role viewer requested DELETE /admin/users/{c.user_id()}",
        "authz",
        "security",
        {"role": "viewer"},
    )


def _signup(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"New account created for {c.email()} (plan {c.pick(('free', 'free', 'premium', 'family'))})",
        "accounts",
        "business",
    )


def _reset(c: Ctx) -> LogLine:
    return LogLine(logging.INFO, f"Password reset email sent to {c.email()}", "accounts", "security")


def _role(c: Ctx) -> LogLine:
    return LogLine(
        logging.WARNING,
        f"Audit: role of {c.username()} changed from editor to admin by {c.username()}",
        "audit",
        "security",
    )


def _cert(c: Ctx) -> LogLine:
    days = c.rng.randint(3, 29)
    return LogLine(
        logging.WARNING if days < 14 else logging.INFO,
        f"TLS certificate for auth.example.com expires in {days} days",
        "tls",
        "security",
        trace=False,
    )


def _keys(c: Ctx) -> LogLine:
    return LogLine(logging.INFO, "Rotated JWKS signing keys; 2 keys active", "keys", "general", trace=False)


def _session_trace(c: Ctx) -> LogLine:
    return LogLine(
        TRACE,
        f"Session lookup sess_{c.hex(10)} in redis took {c.latency_ms(2)} ms",
        "sessions",
        "performance",
    )


def _db_slow(c: Ctx) -> LogLine:
    ms = c.latency_ms(300, storm_factor=5)
    return LogLine(
        logging.WARNING,
        f"User lookup query took {ms} ms on replica {c.internal_ip()}",
        "db",
        "performance",
        {"duration_ms": ms},
    )


def _brute(c: Ctx) -> LogLine:
    ip = c.pick(_ATTACKERS)
    user = c.pick(_TARGETS)
    return LogLine(
        logging.WARNING,
        f"Failed login for user {user} from {ip}: invalid password",
        "login",
        "security",
        {"user": user, "reason": "invalid_password", "source_ip": ip},
    )


def _brute_invalid(c: Ctx) -> LogLine:
    ip = c.pick(_ATTACKERS)
    return LogLine(
        logging.WARNING,
        f"Invalid user {c.pick(_TARGETS)}{c.rng.randint(1, 99)} from {ip}",
        "login",
        "security",
        {"source_ip": ip},
    )


def _brute_lock(c: Ctx) -> LogLine:
    return LogLine(
        logging.ERROR,
        f"Account {c.pick(_TARGETS)} locked after 5 failed attempts in 60 s",
        "login",
        "security",
    )


def _brute_block(c: Ctx) -> LogLine:
    ip = c.pick(_ATTACKERS)
    return LogLine(
        logging.CRITICAL if c.rng.random() < 0.3 else logging.ERROR,
        f"Possible brute-force attack: {c.rng.randint(40, 400)} failed logins from {ip} in 60 s; IP blocked for 1 h",
        "waf",
        "security",
        {"source_ip": ip},
    )


class Auth(Simulator):
    name = "auth"
    weight = 0.15
    version = "3.4.1"
    templates: tuple[Template, ...] = (
        (30, _login_ok),
        (6, _login_failed),
        (12, _token),
        (0.3, _token_leak),
        (6, _expired),
        (8, _mfa),
        (2, _denied),
        (4, _signup),
        (2, _reset),
        (0.5, _role),
        (0.5, _cert),
        (0.3, _keys),
        (5, _session_trace),
        (2, _db_slow),
    )
    incident_templates = {
        "brute_force": ((60, _brute), (20, _brute_invalid), (6, _brute_lock), (3, _brute_block)),
        "latency_storm": ((1, _db_slow),),
    }
