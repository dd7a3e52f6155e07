"""Cloudflare Access: verify the ``Cf-Access-Jwt-Assertion`` JWT against the team's published keys.

Access signs a JWT (RS256) for every request it lets through; the keys are at
``https://<team domain>/cdn-cgi/access/certs`` and rotate, so they are cached for ``access_jwks_ttl_s`` and
re-fetched (at most every 30 s) when a token names a key we have not seen. When a re-fetch fails, the keys
we have stay in use for up to a day (a Cloudflare outage must not lock everyone out), and the fetch is
retried at most every 30 s.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import jwt

from api.errors import AuthError, UpstreamError

__all__ = ["AccessVerifier", "ACCESS_HEADER", "ACCESS_COOKIE"]

logger = logging.getLogger(__name__)

ACCESS_HEADER = "cf-access-jwt-assertion"
ACCESS_COOKIE = "CF_Authorization"
_REFETCH_MIN_S = 30.0
_STALE_GRACE_S = 86400.0


class AccessVerifier:
    """Verifies Access JWTs for one application.

    :param team_domain: ``myteam.cloudflareaccess.com`` (a scheme is allowed and ignored).
    :param audience: the application's AUD tag.
    :param jwks_ttl_s: how long fetched keys are trusted before re-fetching.
    :param timeout_s: timeout of the key fetch.
    :param transport: httpx transport (tests inject one serving a locally generated key set).
    """

    def __init__(
        self,
        team_domain: str,
        audience: str,
        jwks_ttl_s: float = 3600.0,
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        domain = team_domain.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
        self.issuer = f"https://{domain}"
        self.certs_url = f"{self.issuer}/cdn-cgi/access/certs"
        self.audience = audience
        self.jwks_ttl_s = jwks_ttl_s
        self.timeout_s = timeout_s
        self._transport = transport
        self._keys: dict[str, Any] = {}
        self._fetched_at = -1e9
        self._failed_at = -1e9
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=self.timeout_s) as client:
                response = await client.get(self.certs_url)
                response.raise_for_status()
                keyset = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWKSetError) as exc:
            logger.warning("access keys unavailable url=%r error=%r", self.certs_url, type(exc).__name__)
            raise UpstreamError(
                f"Cannot fetch the Cloudflare Access keys from {self.certs_url}: "
                "check api.access_team_domain and the network."
            ) from exc
        self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
        self._fetched_at = time.monotonic()

    async def _key(self, kid: str) -> Any:
        async with self._lock:
            now = time.monotonic()
            age = now - self._fetched_at
            due = age > self.jwks_ttl_s or (kid not in self._keys and age > _REFETCH_MIN_S)
            usable = bool(self._keys) and age <= self.jwks_ttl_s + _STALE_GRACE_S
            if due and not (usable and now - self._failed_at < _REFETCH_MIN_S):
                try:
                    await self._fetch()
                except UpstreamError:
                    if not usable:
                        raise
                    self._failed_at = now  # keep the keys we have; ask again in a while
            return self._keys.get(kid)

    async def verify(self, token: str) -> str:
        """Check signature, audience, issuer and expiry; return the identity (email, else subject).

        :raises AuthError: when the token is not valid for this application.
        :raises UpstreamError: when the keys cannot be fetched.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("The Cloudflare Access token is malformed: sign in through Access again.") from None
        key = await self._key(str(header.get("kid", "")))
        if key is None:
            raise AuthError("The Cloudflare Access token is signed by an unknown key: sign in through Access again.")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=30,
                options={"require": ["exp", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("The Cloudflare Access token has expired: sign in through Access again.") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError(
                f"The Cloudflare Access token is not valid here ({exc}): check api.access_audience."
            ) from None
        return str(claims.get("email") or claims.get("sub") or "access")
