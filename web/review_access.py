"""Who may read the review page (``/revue``, issue 22), and how a session is signed.

The review page of :mod:`web.serve` lists the questions that failed, as ``bot review``
does (:mod:`bot.review`): what people asked. So it is off (404) unless
``PROA_AUTH_TOKEN`` is set, with at least :data:`REVIEW_MIN_TOKEN_CHARS` characters, and
then:

- the client is loopback, or in a network of ``PROA_REVIEW_ALLOW`` (others get a 403);
- the request carries ``Authorization: Bearer <token>`` (scripts), or the session cookie
  that the login form gives for the token: ``<expiry>.<HMAC-SHA256>`` with a key derived
  from the token and a random secret of the process, so a new token or a restart ends
  every session (:meth:`ReviewAccess.cookie`);
- the conversations read are those of the ``tracker_store`` of the endpoints file, or of
  the database URL given instead (:func:`review_access`).

Kept apart from the request handler (:mod:`web.review_handler`): these are the access
rules, with no HTTP in them. Standard library only; :func:`review_access` imports
:mod:`bot.review` when the page is on.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import sys
from pathlib import Path
from typing import Any

#: How long a review session (its cookie) lasts, in seconds.
REVIEW_COOKIE_LIFETIME_S = 8 * 3600
#: A shorter ``PROA_AUTH_TOKEN`` leaves the review page off.
REVIEW_MIN_TOKEN_CHARS = 16


def _review_networks(spec: str | None) -> list[Any]:
    """Loopback, and the networks of ``PROA_REVIEW_ALLOW`` (comma-separated)."""
    networks: list[Any] = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
    for item in (spec or "").split(","):
        if item.strip():
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
    return networks


class ReviewAccess:
    """Who may read the review page, and from which store (``networks``: loopback by
    default)."""

    def __init__(self, token: str, store_url: Any, networks: list[Any] | None = None) -> None:
        self.token = token
        self.store_url = store_url
        self.networks = networks if networks is not None else _review_networks(None)
        #: Secret of this process: a restart ends every session.
        self.secret = secrets.token_bytes(32)

    def _key(self) -> bytes:
        return hmac.new(self.secret, b"proa-review-cookie|" + self.token.encode("utf-8"), hashlib.sha256).digest()

    def token_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode("utf-8"), self.token.encode("utf-8"))

    def bearer_ok(self, header: str | None) -> bool:
        scheme, _, value = (header or "").strip().partition(" ")
        return scheme.lower() == "bearer" and self.token_matches(value.strip())

    def cookie(self, now: float) -> str:
        """A session cookie value: ``<expiry>.<signature>``."""
        expiry = str(int(now) + REVIEW_COOKIE_LIFETIME_S)
        return expiry + "." + hmac.new(self._key(), expiry.encode(), hashlib.sha256).hexdigest()

    def cookie_ok(self, value: str | None, now: float) -> bool:
        expiry, _, signature = (value or "").partition(".")
        if not expiry.isdigit() or int(expiry) < now or len(signature) != 64:
            return False
        expected = hmac.new(self._key(), expiry.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode())

    def client_ok(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


def parse_cookies(header: str | None) -> dict[str, str]:
    """The cookies of a ``Cookie`` header, by name (the first of a name wins)."""
    cookies: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in cookies:
            cookies[name] = value.strip()
    return cookies


def review_access(
    token: str | None,
    endpoints: Path | None = None,
    db_url: str | None = None,
    allow: str | None = None,
) -> ReviewAccess | None:
    """The review page's settings, or None when it stays off (no token, or too short).
    Raises ValueError when the store cannot be named."""
    if not token:
        return None
    if len(token) < REVIEW_MIN_TOKEN_CHARS:
        print(
            f"serve.py: review page off: PROA_AUTH_TOKEN has fewer than {REVIEW_MIN_TOKEN_CHARS} characters",
            file=sys.stderr,
        )
        return None
    # The project is on the path: this module is imported as ``web.review_access``.
    from bot.review import ReviewError, url_from_endpoints

    try:
        url = db_url or url_from_endpoints(endpoints or Path("endpoints.yml"))
    except ReviewError as error:
        raise ValueError(f"review page: {error}") from None
    return ReviewAccess(token=token, store_url=url, networks=_review_networks(allow))
