"""Refuse HTTP requests whose framing is malformed or whose body is too large, before
Sanic reads the body; keep the action server's error answers safe.

Sanic 21.12 (pinned by Rasa 3.6 and rasa-sdk 3.6) trusts the request framing headers:

- ``Content-Length: -1`` makes ``Http.request_bytes_left`` negative, and ``Http.read``
  then loops without ever waiting for data: one request puts the server at 100 % CPU
  and it answers nothing else (not even ``/status``) until it is killed;
- a non-numeric ``Content-Length``, or a ``Transfer-Encoding`` other than ``chunked``
  without a ``Content-Length`` (``chunked, identity``), raises a ``ValueError`` /
  ``KeyError`` that becomes a 500;
- ``Content-Length`` together with ``Transfer-Encoding``, or two different
  ``Content-Length`` values, are accepted (request smuggling behind a proxy);
- a header line is split at its first colon and the name kept as written:
  ``Transfer-Encoding : chunked`` (a space before the colon) is the header
  ``"transfer-encoding "``, which Sanic ignores, so the body was read as a second
  request (request smuggling, nginx answers such a line with a 400); a line without
  a colon became a 500 on the action server, and a bare LF inside a line is a line
  end for nginx but not for Sanic.

The patch ``sanic_http`` of :mod:`servers.patches` replaces the ``Http`` class that
Sanic's ``HttpProtocol`` creates for each connection by :class:`GuardedHttp`, which
checks the header block right after Sanic parsed it (:func:`header_problem`,
:func:`framing_problem`) and, when it is malformed, answers ``400 Bad Request`` and
closes the connection without reading the body (the 400 is written by the guard
itself: rasa-sdk's app turns every exception into a 500).
It also:

- refuses a ``Content-Encoding`` the application does not decompress with a 415
  (Rasa decompresses nothing; the action server takes ``deflate`` / ``gzip``, see
  :func:`protect_action_server`);
- limits the body of the channel webhooks (``/webhooks/…``, ``/socket.io/``) to
  :data:`MAX_WEBHOOK_BYTES` (``PROA_MAX_REQUEST_BYTES``, default 1 MiB; Sanic's default
  is 100 MB, read into memory): a larger body gets a 413 before it is read.

That patch is applied at import by ``channels.guarded`` (the channels of ``rasa run``,
loaded from credentials.yml) and by the ``actions`` package (``rasa run actions``), so
both servers are covered, whatever starts them. The ``actions`` package also calls
:func:`protect_action_server_apps`, which protects rasa-sdk's app
(:func:`protect_action_server`, through rasa-sdk's plugin hook):

- the body is limited to :data:`MAX_ACTION_BODY_BYTES` (``PROA_ACTION_MAX_BODY_BYTES``,
  default 16 MiB), **also after decompression**: rasa-sdk decompressed a ``deflate``
  body without limit (398 KB sent became 400 MB in memory). The body is inflated here
  in bounded steps (413 beyond the limit, 400 when corrupt) and handed to rasa-sdk
  uncompressed;
- errors are answered by :class:`SafeErrorHandler`: the status of the error (400 for a
  bad chunk, 413 for a body too large…) instead of rasa-sdk's 500 for everything, and
  never the request body (rasa-sdk echoed it in ``request_body``).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import zlib
from collections.abc import Iterable
from http import HTTPStatus

import pluggy
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.http import Http, Stage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import wording
from bot.settings import Settings

logger = logging.getLogger(__name__)
_SETTINGS = Settings.from_env()


#: Largest body of a channel webhook request on ``rasa run`` (REST, socket.io, Slack,
#: Teams), in bytes. The REST channel has its own, smaller limit (PROA_MAX_BODY_BYTES).
MAX_WEBHOOK_BYTES = _SETTINGS.max_request_bytes
#: Largest body of an action server request, in bytes, before and after decompression
#: (Rasa sends the conversation's events: long conversations take a few hundred kB).
MAX_ACTION_BODY_BYTES = _SETTINGS.action_max_body_bytes
#: Paths whose body is limited to :data:`MAX_WEBHOOK_BYTES`.
WEBHOOK_PREFIXES = ("/webhooks/", "/socket.io/")
#: Application config key: the ``Content-Encoding`` values the application decompresses.
ENCODINGS_CONFIG = "PROA_CONTENT_ENCODINGS"

_DIGITS = re.compile(r"[0-9]{1,18}")
#: A header field name (RFC 9110 token).
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


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


def header_problem(head: bytes) -> str | None:
    """Why the raw header block ``head`` (request line and header lines, without the
    final blank line) must be refused, or None. Refused, as nginx does: a header name
    that is not a token (a space or tab before the colon, an empty name), a line
    without a colon, a folded line (starting with white space); and a CR, LF or NUL
    inside a line (another server could read one line where Sanic reads two)."""
    lines = head.split(b"\r\n")
    for line in lines[1:]:
        if not line:
            return "empty header line"
        if any(byte in line for byte in (b"\r", b"\n", b"\0")):
            return "CR, LF or NUL inside a header line"
        if line[:1] in (b" ", b"\t"):
            return "folded header line"
        name, colon, _ = line.partition(b":")
        if not colon:
            return "header line without a colon"
        if not _TOKEN.fullmatch(name):
            return "invalid header name"
    return None


def encoding_problem(content_encodings: Iterable[str], accepted: Iterable[str]) -> str | None:
    """Why a body with these ``Content-Encoding`` header values cannot be read by an
    application that decompresses ``accepted``, or None (``identity`` is no encoding)."""
    values = [part.strip().lower() for value in content_encodings for part in value.split(",")]
    values = [value for value in values if value and value != "identity"]
    if not values:
        return None
    if len(values) > 1 or values[0] not in {value.lower() for value in accepted}:
        return "unsupported Content-Encoding"
    return None


def raw_error(status: int, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 error response that closes the connection."""
    body = json.dumps({"error": code, "message": message}, ensure_ascii=False).encode("utf-8")
    phrase = HTTPStatus(status).phrase
    return (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: application/json; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode("ascii") + body


def worded_error(status: int, code: str, wording_key: str) -> bytes:
    """:func:`raw_error` with the catalogue's sentence (``channels``: ``request_errors``)."""
    return raw_error(status, code, wording.text("channels", f"request_errors.{wording_key}"))


BAD_REQUEST = worded_error(400, "bad_request", "bad_framing")
BAD_HEADERS = worded_error(400, "bad_request", "bad_headers")
UNSUPPORTED_ENCODING = worded_error(415, "unsupported_encoding", "unsupported_encoding")
TOO_LARGE = worded_error(413, "payload_too_large", "payload_too_large")


class GuardedHttp(Http):
    """Sanic's HTTP/1.1 connection handler with the checks of the module docstring."""

    __slots__ = ()

    async def _refuse(self, answer: bytes = BAD_REQUEST) -> None:
        # Nothing of the body may be read (a negative length would loop). The answer is
        # written here, not by the app's error handlers (rasa-sdk answered every
        # exception with a 500); the FAILED stage makes Sanic skip its own error
        # response, and the connection is closed.
        self.request_body = None
        self.request_bytes_left = 0
        self.keep_alive = False
        try:
            await self._send(answer)
        finally:
            self.stage = Stage.FAILED
        raise SanicException("Refused request", status_code=int(answer.split(b" ", 2)[1]))

    async def http1_request_header(self) -> None:  # type: ignore[override]
        try:
            await super().http1_request_header()
        except (KeyError, ValueError):
            # int() of a non-numeric Content-Length, or a Transfer-Encoding that is not
            # "chunked" without any Content-Length.
            await self._refuse()
        except SanicException as error:
            # A header line Sanic could not split (no colon), an unknown Expect, a header
            # block too large: answered here with its status (rasa-sdk made it a 500).
            status = int(getattr(error, "status_code", 400) or 400)
            await self._refuse(worded_error(status, "bad_request", "bad_headers"))
        request = self.request
        headers = request.headers
        if header_problem(bytes(getattr(request, "head", b""))):
            await self._refuse(BAD_HEADERS)
        if framing_problem(headers.getall("content-length", []), headers.getall("transfer-encoding", [])):
            await self._refuse()
        accepted = request.app.config.get(ENCODINGS_CONFIG, ())
        if encoding_problem(headers.getall("content-encoding", []), accepted):
            await self._refuse(UNSUPPORTED_ENCODING)
        if request.path.startswith(WEBHOOK_PREFIXES):
            self.request_max_size = min(self.request_max_size, MAX_WEBHOOK_BYTES)
        # A declared length over the limit is refused here, before anything is read
        # (Sanic would raise while reading, and rasa-sdk made that a 500).
        if self.request_body is True and (self.request_bytes or 0) > self.request_max_size:
            await self._refuse(TOO_LARGE)


# --- the action server (rasa-sdk's app) ---------------------------------------------------


def _error_json(status: int) -> HTTPResponse:
    return response.json({"error": HTTPStatus(status).phrase}, status=status)


class SafeErrorHandler(ErrorHandler):
    """Error answers that keep the error's status and never echo the request.

    Replaces rasa-sdk's ``@app.exception(Exception)`` handler, which answered every
    exception (a bad chunk, a body too large included) with a 500 whose JSON repeated
    the request body. The log names the exception class and where it was raised, not
    its message (which may quote the conversation).
    """

    def response(self, request: Request, exception: BaseException) -> HTTPResponse:
        status = int(getattr(exception, "status_code", 0) or 0) if isinstance(exception, SanicException) else 500
        if not 400 <= status <= 599:
            status = 500
        if status >= 500:
            frames = traceback.extract_tb(exception.__traceback__)
            where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "unknown"
            logger.error("Request failed: %s (%s)", type(exception).__name__, where)
        return _error_json(status)

    def default(self, request: Request, exception: BaseException) -> HTTPResponse:
        return self.response(request, exception)


def inflate_limited(body: bytes, limit: int) -> bytes:
    """Decompress a zlib or gzip ``body`` to at most ``limit`` bytes.

    Raises ``OverflowError`` beyond ``limit`` and ``ValueError`` for a corrupt or
    truncated body; the output is never larger than ``limit + 1`` bytes in memory.
    """
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise ValueError("corrupt compressed body") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise OverflowError("decompressed body too large")
    if not inflater.eof:
        raise ValueError("truncated compressed body")
    return data


async def _inflate_body(request: Request) -> HTTPResponse | None:
    """Request middleware: replace a compressed body by its bounded decompression."""
    encodings = request.headers.getall("content-encoding", [])
    if not encodings:
        return None
    if encoding_problem(encodings, ()) is not None:  # not just "identity"
        try:
            request.body = inflate_limited(request.body or b"", MAX_ACTION_BODY_BYTES)
        except OverflowError:
            return _error_json(413)
        except ValueError:
            return _error_json(400)
    # rasa-sdk decompresses again when it sees the header: the body is plain now.
    del request.headers["content-encoding"]
    return None


def protect_action_server(app: Sanic) -> None:
    """Bounded bodies (also decompressed) and safe error answers on rasa-sdk's ``app``
    (see the module docstring). Idempotent."""
    if getattr(app.ctx, "proa_protected", False):
        return
    app.ctx.proa_protected = True
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_BODY_BYTES
    app.config[ENCODINGS_CONFIG] = ("deflate", "gzip")
    app.register_middleware(_inflate_body, "request")
    app.error_handler = SafeErrorHandler()


class _ActionServerPlugin:
    """rasa-sdk's hook (``rasa_sdk.plugin``), called by ``rasa_sdk.endpoint.run`` on its app
    before it serves."""

    @pluggy.HookimplMarker("rasa_sdk")
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        protect_action_server(app)


_PLUGIN = _ActionServerPlugin()


def protect_action_server_apps() -> None:
    """:func:`protect_action_server` on rasa-sdk's app when it exists (the ``actions``
    package is imported by ``rasa_sdk.endpoint.create_app`` right after the app is
    made), and on every app ``rasa_sdk.endpoint.run`` serves later in this process
    (rasa-sdk's plugin hook). Idempotent."""
    from rasa_sdk.plugin import plugin_manager

    try:
        protect_action_server(Sanic.get_app("rasa_sdk"))
    except SanicException:
        pass  # not created yet (imported outside `rasa run actions`)
    manager = plugin_manager()
    if not manager.is_registered(_PLUGIN):
        manager.register(_PLUGIN)
