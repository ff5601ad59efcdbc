"""What the REST webhook accepts: the request checks of ``/webhooks/rest/webhook``.

The REST channel is server-to-server (docs/channels.md), so its caller gets a precise
refusal instead of Rasa's 500: the body must be JSON (``Content-Type:
application/json``, at most ``PROA_MAX_BODY_BYTES``, nested at most
``PROA_MAX_JSON_DEPTH`` deep), an object with a string ``sender`` (1–128 characters), a
string ``message`` and an optional object ``metadata`` of at most
``PROA_MAX_METADATA_BYTES``. Anything else is a :class:`RequestError`, answered with an
HTTP 4xx and a French JSON error ``{"error": "<code>", "message": "<French text>"}``
(:func:`error_response`; the texts in ``knowledge/wording/channels.yml``). Kept apart from the channel class (:mod:`channels.guarded`):
these are plain checks on bytes, tested without a server.
"""

from __future__ import annotations

from typing import Any

from sanic import response
from sanic.response import HTTPResponse

from bot import wording
from bot.settings import Settings
from channels.input_checks import MAX_METADATA_BYTES, MAX_SENDER_CHARS, loads_limited, metadata_problem, valid_sender

#: Largest REST request body accepted, in bytes.
MAX_BODY_BYTES = Settings.from_env().max_body_bytes


class RequestError(Exception):
    """A REST request that cannot be handled; becomes an HTTP 4xx."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def request_error(status: int, code: str, **fields: Any) -> RequestError:
    """The refusal ``code``, worded by the catalogue (``channels``: ``request_errors``)."""
    return RequestError(status, code, wording.text("channels", f"request_errors.{code}", **fields))


def error_response(status: int, code: str, message: str) -> HTTPResponse:
    """The JSON answer of a refused request."""
    return response.json({"error": code, "message": message}, status=status)


def parse_rest_body(content_type: str | None, body: bytes, max_body_bytes: int | None = None) -> dict[str, Any]:
    """Validate a REST webhook request; returns sender, message and metadata.

    ``max_body_bytes``: the size limit (:data:`MAX_BODY_BYTES` when not given).
    Raises :class:`RequestError` with the HTTP status and a French message.
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise request_error(415, "unsupported_media_type")
    if len(body) > (MAX_BODY_BYTES if max_body_bytes is None else max_body_bytes):
        raise request_error(413, "payload_too_large")
    try:
        data = loads_limited(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise request_error(400, "invalid_json") from None
    if not isinstance(data, dict):
        raise request_error(400, "invalid_body")
    sender = data.get("sender")
    if not valid_sender(sender):
        raise request_error(400, "invalid_sender", max_chars=MAX_SENDER_CHARS)
    message = data.get("message")
    if not isinstance(message, str):
        raise request_error(400, "invalid_message")
    metadata = data.get("metadata")
    problem = metadata_problem(metadata)
    if problem == "size":
        raise request_error(413, "metadata_too_large", max_bytes=MAX_METADATA_BYTES)
    if problem:
        raise request_error(400, "invalid_metadata")
    # ``input_channel`` is not taken from the client (a caller could claim "slack"):
    # the channel sets it. The field is accepted and ignored for compatibility.
    return {"sender": sender.strip(), "message": message, "metadata": metadata}
