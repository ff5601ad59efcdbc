"""Is this request really from Microsoft's Bot Connector, for this bot and this activity?

The checks of the Teams channel (:mod:`channels.botframework_checked`) on the
``Authorization: Bearer <JWT>`` of each request, after Microsoft's rules ("Authenticate
requests from the Bot Connector service to your bot"). Rasa 3.6 checked only the
signature, audience and expiry, with the algorithm named by the token itself; here:

- :class:`SigningKeys`: the OpenID metadata and its JWKS, fetched with aiohttp (with the
  channel's timeouts), cached for a day, fetched again for an unknown ``kid`` at most
  every 5 minutes; a failed fetch is retried after 30 seconds (:class:`KeysUnavailable`
  meanwhile);
- :func:`verify_token`: at most :data:`MAX_TOKEN_CHARS` characters, the key named by the
  token's ``kid``, an algorithm the metadata lists (RSA only: never the token's choice,
  never HMAC nor ``none``), issuer = the metadata's, audience = the bot's app id,
  ``exp`` / ``nbf`` with :data:`CLOCK_SKEW_S` of skew;
- :func:`check_activity`: the token's ``serviceurl`` claim is the activity's
  ``serviceUrl`` (else the answer, with the bot's access token, would go to the
  caller's URL), and the key's endorsements name the activity's ``channelId``.

Every refusal is a :class:`TokenRefused` whose message says why (logged, never the
token). Kept apart from the channel: this is the security boundary, read and tested
on its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

# The logger of channels/botframework_checked.py, where this code was first: log
# filters and alerts key on its name.
logger = logging.getLogger("channels.botframework_checked")

#: Issuer of the Bot Connector's tokens when the OpenID metadata names none.
BOT_CONNECTOR_ISSUER = "https://api.botframework.com"
#: Algorithms accepted when the metadata lists some (only RSA signatures, ever).
RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
#: Longest token accepted (Bot Connector tokens are about 1.5 kB).
MAX_TOKEN_CHARS = 8192
#: Clock skew allowed on ``exp`` and ``nbf`` (Microsoft's SDKs allow 5 minutes; Rasa
#: none: a server kept on time needs little).
CLOCK_SKEW_S = 30
#: The signing keys are fetched again after this long ...
KEYS_LIFETIME_S = 24 * 3600
#: ... or for an unknown ``kid``, at most this often.
UNKNOWN_KID_REFETCH_S = 300
#: After a failed fetch, the next attempt waits this long (requests meanwhile get a 503).
FAILED_FETCH_RETRY_S = 30


class TokenRefused(Exception):
    """The request's token does not pass a check (the reason is the message)."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched: no token can be checked."""


class SigningKeys:
    """The Bot Connector's OpenID metadata and signing keys, fetched and cached."""

    def __init__(self, timeout: Callable[[], aiohttp.ClientTimeout]) -> None:
        #: The timeouts of the fetch, asked at each one (the channel's settings).
        self.timeout = timeout
        self.keys: dict[str, dict[str, Any]] = {}
        self.issuer = BOT_CONNECTOR_ISSUER
        self.algorithms: tuple[str, ...] = ("RS256",)
        self._fetched_at: float | None = None  # time.monotonic() of the last good fetch
        self._tried_at: float | None = None
        self._lock: asyncio.Lock | None = None

    async def key(self, metadata_url: str, kid: str) -> dict[str, Any] | None:
        """The JWK named ``kid``, or None; raises :class:`KeysUnavailable`."""
        now = time.monotonic()
        since_try = float("inf") if self._tried_at is None else now - self._tried_at
        stale = self._fetched_at is None or now - self._fetched_at > KEYS_LIFETIME_S
        unknown = kid not in self.keys and since_try > UNKNOWN_KID_REFETCH_S
        if (stale and since_try > FAILED_FETCH_RETRY_S) or unknown:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._tried_at is None or self._tried_at < now:  # not refreshed meanwhile
                    await self._fetch(metadata_url)
        if self._fetched_at is None:
            raise KeysUnavailable()
        return self.keys.get(kid)

    async def _fetch(self, metadata_url: str) -> None:
        self._tried_at = time.monotonic()
        try:
            async with aiohttp.ClientSession(timeout=self.timeout()) as session:
                async with session.get(metadata_url) as reply:
                    reply.raise_for_status()
                    metadata = await reply.json(content_type=None)
                async with session.get(str(metadata["jwks_uri"])) as reply:
                    reply.raise_for_status()
                    jwks = await reply.json(content_type=None)
            keys = {
                str(key["kid"]): key
                for key in jwks["keys"]
                if isinstance(key, dict) and isinstance(key.get("kid"), str) and key.get("kty") == "RSA"
            }
            algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as error:
            logger.warning("Could not fetch the Bot Framework signing keys: %s", type(error).__name__)
            return
        self.keys = keys
        self.issuer = str(metadata.get("issuer") or BOT_CONNECTOR_ISSUER)
        self.algorithms = tuple(alg for alg in algorithms if alg in RSA_ALGORITHMS) or ("RS256",)
        self._fetched_at = time.monotonic()


async def verify_token(
    auth_header: str | None, app_id: str, keys: SigningKeys, metadata_url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The claims of the request's token and its JWK, once signature, algorithm,
    issuer, audience and validity period are checked; raises :class:`TokenRefused`."""
    if not auth_header:
        raise TokenRefused("no Authorization header")
    scheme, _, token = auth_header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenRefused("no Bearer token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRefused("unreadable token") from None
    kid, algorithm = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or not kid:
        raise TokenRefused("no key id")
    jwk = await keys.key(metadata_url, kid)
    if jwk is None:
        raise TokenRefused("unknown key id")
    if algorithm not in keys.algorithms:
        raise TokenRefused("algorithm not allowed")
    try:
        public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        claims = jwt.decode(
            token,
            key=public_key,  # type: ignore[arg-type]
            algorithms=[str(algorithm)],
            audience=app_id,
            issuer=keys.issuer,
            leeway=CLOCK_SKEW_S,
            options={"require": ["exp", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise TokenRefused(type(error).__name__) from None
    return claims, jwk


def check_activity(claims: dict[str, Any], jwk: dict[str, Any], activity: dict[str, Any]) -> None:
    """The activity is the one the token was issued for; raises :class:`TokenRefused`."""
    claimed = claims.get("serviceurl", claims.get("serviceUrl"))
    service_url = activity.get("serviceUrl")
    if not isinstance(claimed, str) or not isinstance(service_url, str):
        raise TokenRefused("no serviceUrl")
    if claimed.rstrip("/") != service_url.rstrip("/"):
        raise TokenRefused("serviceUrl differs from the token's")
    endorsements = jwk.get("endorsements")
    if isinstance(endorsements, list) and endorsements and activity.get("channelId") not in endorsements:
        raise TokenRefused("channel not endorsed by the key")
