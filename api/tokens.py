"""API tokens: created by ``python -m api tokens create NAME``, shown once, stored only as SHA-256 hashes.

Tokens are 256 random bits, so a fast hash is enough (a slow KDF protects guessable passwords, not these).
The store is ``<var_dir>/api/tokens.json`` (mode 0600); the API re-reads it when it changes, so a token
created or revoked while the API runs takes effect at once.

Each token has scopes: ``read`` (search, stats, tail, alerts) always, ``silence`` (create and end alert
silences) only when asked for, so a token handed to a viewer cannot turn alerting off. Tokens stored before
scopes existed may only read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.errors import BadRequestError
from core.contract import rfc3339

__all__ = ["TokenInfo", "TokenStore", "TOKEN_PREFIX", "SCOPES", "READ_SCOPES"]

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "lw_"
_RECHECK_S = 1.0
SCOPES = ("read", "silence")
READ_SCOPES = ("read",)


@dataclass(frozen=True)
class TokenInfo:
    name: str
    sha256: str
    created_at: str
    scopes: tuple[str, ...] = READ_SCOPES

    def public(self) -> dict[str, str]:
        return {
            "name": self.name,
            "created_at": self.created_at,
            "hash_prefix": self.sha256[:8],
            "scopes": ",".join(self.scopes),
        }


def _scopes(raw: Any) -> tuple[str, ...]:
    """Known scopes in canonical order; ``read`` always (anything unreadable means read only)."""
    given = set(raw) if isinstance(raw, list) else set()
    return tuple(s for s in SCOPES if s in given or s == "read")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Reads and writes the hashed token file.

    :param path: the JSON file (created on first ``create``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._by_hash: dict[str, TokenInfo] = {}
        self._mtime_ns: int | None = None
        self._checked = 0.0

    @classmethod
    def for_var_dir(cls, var_dir: Path) -> TokenStore:
        return cls(var_dir / "api" / "tokens.json")

    def _read(self) -> list[TokenInfo]:
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            logger.warning("token file unreadable path=%r error=%r", str(self.path), type(exc).__name__)
            return list(self._by_hash.values())
        items = raw.get("tokens", []) if isinstance(raw, dict) else []
        return [
            TokenInfo(str(t["name"]), str(t["sha256"]), str(t.get("created_at", "")), _scopes(t.get("scopes")))
            for t in items
            if isinstance(t, dict) and "name" in t and "sha256" in t
        ]

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < _RECHECK_S and self._mtime_ns is not None:
            return
        self._checked = now
        try:
            mtime: int | None = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = -1
        if mtime != self._mtime_ns:
            self._by_hash = {t.sha256: t for t in self._read()}
            self._mtime_ns = mtime

    def verify(self, token: str) -> TokenInfo | None:
        """The token's record, or None when it is unknown or revoked."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = _hash(token)
        with self._lock:
            self._refresh()
            for known, info in self._by_hash.items():
                if hmac.compare_digest(known, digest):
                    return info
        return None

    def known(self, sha256: str) -> bool:
        """Whether a token with this hash still exists (an open live tail checks it was not revoked)."""
        with self._lock:
            self._refresh()
            return sha256 in self._by_hash

    def all(self) -> list[TokenInfo]:
        with self._lock:
            self._mtime_ns = None
            self._refresh()
            return sorted(self._by_hash.values(), key=lambda t: t.name)

    def _write(self, tokens: list[TokenInfo]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        # A leftover .tmp would keep its own mode through O_CREAT (and os.replace): start a fresh file.
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"tokens": [{**t.__dict__, "scopes": list(t.scopes)} for t in tokens]}, fh, indent=2)
        os.replace(tmp, self.path)
        self._mtime_ns = None

    def create(self, name: str, scopes: tuple[str, ...] = READ_SCOPES) -> str:
        """Create a token and return it; only its hash is stored, so this is the one time it is seen.

        :param name: who or what uses it (unique, 1-64 letters, digits, ``-_.@``).
        :param scopes: what it may do, from ``SCOPES`` (``read`` is always included).
        """
        if not name or len(name) > 64 or not all(c.isalnum() or c in "-_.@" for c in name):
            raise BadRequestError("A token name must be 1-64 letters, digits or -_.@: choose another name.")
        if unknown := set(scopes) - set(SCOPES):
            raise BadRequestError(f"Unknown scope {sorted(unknown)[0]!r}: use one of {', '.join(SCOPES)}.")
        with self._lock:
            tokens = self._read()
            if any(t.name == name for t in tokens):
                raise BadRequestError(f"A token named '{name}' exists already: revoke it first or pick a new name.")
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            created = rfc3339(datetime.now(UTC))
            tokens.append(TokenInfo(name, _hash(token), created, _scopes(list(scopes))))
            self._write(tokens)
        return token

    def revoke(self, name: str) -> bool:
        """Remove the named token; False when there was none."""
        with self._lock:
            tokens = self._read()
            kept = [t for t in tokens if t.name != name]
            if len(kept) == len(tokens):
                return False
            self._write(kept)
            return True
