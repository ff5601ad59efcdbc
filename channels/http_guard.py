"""Refuse HTTP requests whose body framing is malformed, before Sanic reads the body.

Sanic 21.12 (pinned by Rasa 3.6 and rasa-sdk 3.6) trusts the request framing headers:

- ``Content-Length: -1`` makes ``Http.request_bytes_left`` negative, and ``Http.read``
  then loops without ever waiting for data: one request puts the server at 100 % CPU
  and it answers nothing else (not even ``/status``) until it is killed;
- a non-numeric ``Content-Length``, or a ``Transfer-Encoding`` other than ``chunked``
  without a ``Content-Length`` (``chunked, identity``), raises a ``ValueError`` /
  ``KeyError`` that becomes a 500;
- ``Content-Length`` together with ``Transfer-Encoding``, or two different
  ``Content-Length`` values, are accepted (request smuggling behind a proxy).

:func:`install` replaces the ``Http`` class that Sanic's ``HttpProtocol`` creates for each
connection by :class:`GuardedHttp`, which checks the framing headers right after Sanic
parsed them and, when they are malformed, answers ``400 Bad Request`` and closes the
connection without reading the body (the 400 is written by the guard itself: rasa-sdk's
app turns every exception into a 500). It is called at import by ``channels.guarded``
(the channels of ``rasa run``, loaded from credentials.yml) and by the ``actions``
package (``rasa run actions``), so both servers are covered, whatever starts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import sanic.server.protocols.http_protocol as http_protocol
from sanic.exceptions import InvalidUsage
from sanic.http import Http, Stage

_DIGITS = re.compile(r"[0-9]{1,18}")


def framing_problem(content_lengths: Iterable[str], transfer_encodings: Iterable[str]) -> str | None:
    """Why a request with these ``Content-Length`` and ``Transfer-Encoding`` header
    values (one item per header line) must be refused, or None when it is well framed.

    Accepted: no framing header; one or several identical non-negative decimal
    ``Content-Length`` values; a single ``Transfer-Encoding: chunked`` alone.
    """
    lengths = [value.strip() for value in content_lengths]
    encodings = [value.strip().lower() for value in transfer_encodings]
    if lengths and encodings:
        return "Content-Length with Transfer-Encoding"
    if encodings and encodings != ["chunked"]:
        return "unsupported Transfer-Encoding"
    if any(not _DIGITS.fullmatch(value) for value in lengths):
        return "invalid Content-Length"
    if len(set(int(value) for value in lengths)) > 1:
        return "conflicting Content-Length values"
    return None


_BODY = json.dumps(
    {"error": "bad_request", "message": "Requête HTTP mal formée (en-têtes Content-Length / Transfer-Encoding)."},
    ensure_ascii=False,
).encode("utf-8")
BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\n"
    b"content-length: " + str(len(_BODY)).encode() + b"\r\nconnection: close\r\n\r\n" + _BODY
)


class GuardedHttp(Http):
    """Sanic's HTTP/1.1 connection handler with the framing check of :func:`framing_problem`."""

    __slots__ = ()

    async def _refuse(self) -> None:
        # Nothing of the body may be read (a negative length would loop). The 400 is
        # written here, not by the app's error handlers (rasa-sdk answers every
        # exception with a 500); the FAILED stage makes Sanic skip its own error
        # response, and the connection is closed.
        self.request_body = None
        self.request_bytes_left = 0
        self.keep_alive = False
        try:
            await self._send(BAD_REQUEST)
        finally:
            self.stage = Stage.FAILED
        raise InvalidUsage("Bad Request")

    async def http1_request_header(self) -> None:  # type: ignore[override]
        try:
            await super().http1_request_header()
        except (KeyError, ValueError):
            # int() of a non-numeric Content-Length, or a Transfer-Encoding that is not
            # "chunked" without any Content-Length.
            await self._refuse()
        headers = self.request.headers
        if framing_problem(headers.getall("content-length", []), headers.getall("transfer-encoding", [])):
            await self._refuse()


def install() -> None:
    """Make every new Sanic connection of this process use :class:`GuardedHttp` (idempotent)."""
    # Replacing Sanic's class is the point: every connection made after this uses ours.
    http_protocol.Http = GuardedHttp  # type: ignore[misc]


def installed() -> bool:
    """Whether :func:`install` is in effect in this process."""
    return http_protocol.Http is GuardedHttp
