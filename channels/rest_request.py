"""What the REST webhook accepts: the request checks of ``/webhooks/rest/webhook``.

The REST channel is server-to-server (docs/channels.md), so its caller gets a precise
refusal instead of Rasa's 500: the body must be JSON (``Content-Type:
application/json``, at most ``PROA_MAX_BODY_BYTES``, nested at most
``PROA_MAX_JSON_DEPTH`` deep), an object with a string ``sender`` (1–128 characters), a
string ``message`` and an optional object ``metadata`` of at most
``PROA_MAX_METADATA_BYTES``. Anything else is a :class:`RequestError`, answered with an
HTTP 4xx and a French JSON error ``{"error": "<code>", "message": "<French text>"}``
(:func:`error_response`). Kept apart from the channel class (:mod:`channels.guarded`):
these are plain checks on bytes, tested without a server.
"""

from __future__ import annotations

from typing import Any

from sanic import response
from sanic.response import HTTPResponse

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
        raise RequestError(
            415,
            "unsupported_media_type",
            "La requête doit être envoyée en JSON (en-tête « Content-Type: application/json »).",
        )
    if len(body) > (MAX_BODY_BYTES if max_body_bytes is None else max_body_bytes):
        raise RequestError(413, "payload_too_large", "La requête est trop volumineuse.")
    try:
        data = loads_limited(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError(400, "invalid_json", "Le corps de la requête n'est pas un JSON valide.") from None
    if not isinstance(data, dict):
        raise RequestError(
            400,
            "invalid_body",
            "Le corps de la requête doit être un objet JSON avec les champs « sender » et « message ».",
        )
    sender = data.get("sender")
    if not valid_sender(sender):
        raise RequestError(
            400,
            "invalid_sender",
            f"Le champ « sender » doit être une chaîne de 1 à {MAX_SENDER_CHARS} caractères.",
        )
    message = data.get("message")
    if not isinstance(message, str):
        raise RequestError(400, "invalid_message", "Le champ « message » doit être une chaîne de caractères.")
    metadata = data.get("metadata")
    problem = metadata_problem(metadata)
    if problem == "size":
        raise RequestError(413, "metadata_too_large", f"Le champ « metadata » dépasse {MAX_METADATA_BYTES} octets.")
    if problem:
        raise RequestError(400, "invalid_metadata", "Le champ « metadata » doit être un objet JSON simple.")
    # ``input_channel`` is not taken from the client (a caller could claim "slack"):
    # the channel sets it. The field is accepted and ignored for compatibility.
    return {"sender": sender.strip(), "message": message, "metadata": metadata}
