"""REST and socket.io channels that never leave the user without an answer.

Rasa Open Source 3.6, when a custom action fails (action server down, slow or
answering 500), logs ``Encountered an exception while running action …`` in
``rasa.core.processor``, drops the action's events and goes on: the user gets no answer
at all, or only what the next predicted action says. The action call also waits up to
``DEFAULT_REQUEST_TIMEOUT`` = 5 minutes for a slow action server.

These channels are Rasa's ``rest`` and ``socketio`` channels (same names, same
webhooks) with one wrapper around the message handler:

- the user text is cleaned first (:func:`prepare_text`): control characters, unpaired
  surrogates, HTML tags
  and angle brackets removed, white space collapsed, cut to ``PROA_MAX_MESSAGE_CHARS``
  characters (default 1000); a ``/intent{…}`` command that is malformed or names an
  intent or entity missing from the domain is passed on as plain text (Rasa would log
  it); an empty message gets :data:`EMPTY_TEXT` without reaching the model;
- when the handling raised, when the processor logged a failed action for this message,
  or when no bot message at all was sent, the user gets :data:`BUSY_TEXT`, and only it
  (not the fallback Rasa predicts after a failed action, before it). The conversation
  (tracker) is kept: the next message goes on from there;
- the bot messages of a turn are held until it is over: when the tracker store
  (``stores.sql_tracker_store``) logged a database failure, the user gets only
  :data:`BUSY_TEXT` (the answers were computed on a conversation that was not read, or
  will not be stored);
- once a custom action failed in a turn, the turn's other custom actions are not called
  (a hung action server costs one timeout per message, not one per action);
- a typed ``/intent{…}`` keeps working (the buttons send them) but its entity values
  must be short plain strings or numbers, cleaned like the text; Rasa's internal
  intents (``/session_start``, ``/restart``…) are passed on as plain text;
- the action server call gives up after ``PROA_ACTION_TIMEOUT`` seconds (default 10)
  instead of 5 minutes (Rasa reads the module constant at call time).

The REST channel also validates the request: JSON body (``Content-Type:
application/json``, nested at most ``PROA_MAX_JSON_DEPTH`` deep) that is an object with
a string ``sender`` (1–128 characters), a string ``message`` and an optional object
``metadata`` of at most ``PROA_MAX_METADATA_BYTES``; anything else gets an HTTP 4xx
with a French JSON error ``{"error": "<code>", "message": "<French text>"}``, never a
500. ``input_channel`` is always the channel's name (a client cannot claim another
channel). The REST channel is server-to-server: see docs/channels.md. Importing this
module also installs :mod:`servers.http_guard` (malformed request framing).

Use them in the credentials file instead of the built-in keys::

    channels.guarded.GuardedRestInput:
    channels.guarded.GuardedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Nothing here logs the user's text (see docs/operations.md, "Privacy").
"""

from __future__ import annotations

import contextvars
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.actions.action
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels.action_validation import install as install_action_validation
from channels.feedback_comment import install as install_feedback_comment
from channels.input_checks import (
    MAX_METADATA_BYTES,
    MAX_SENDER_CHARS,
    loads_limited,
    metadata_problem,
    valid_sender,
    without_surrogates,
)
from channels.socketio_persistent import PersistentSocketIOInput
from servers.http_guard import install as install_http_guard

logger = logging.getLogger(__name__)


_SETTINGS = Settings.from_env()
#: Longest user message passed to the model, in characters (longer ones are cut).
MAX_MESSAGE_CHARS = _SETTINGS.max_message_chars
#: Largest REST request body accepted, in bytes.
MAX_BODY_BYTES = _SETTINGS.max_body_bytes
#: Seconds after which a call to the action server is given up.
ACTION_TIMEOUT = _SETTINGS.action_timeout

BUSY_TEXT = "Le service est momentanément surchargé. Réessayez dans un instant : votre conversation est conservée."
EMPTY_TEXT = (
    "Je n'ai reçu aucun texte. Posez votre question, par exemple : "
    "« Quelles certifications pour un préparateur de commandes ? »"
)

# Rasa's RemoteAction.run passes this module constant as the request timeout.
rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT
# Validate the action server's answers without re-checking the schema each time.
install_action_validation()
# The message typed after a « Non » feedback is recorded as its comment (channels/feedback_comment.py).
install_feedback_comment()
# Refuse malformed request framing (Content-Length: -1 hangs Sanic 21.12).
install_http_guard()

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_SPACES = re.compile(r"\s+")


def clean_text(text: str | None, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The user text as the model gets it: no control characters nor unpaired
    surrogates, no HTML tags nor angle brackets, white space collapsed, at most
    ``limit`` characters."""
    if not text:
        return ""
    text = without_surrogates(_CONTROL.sub(" ", text))
    text = _TAG.sub(" ", text)
    text = text.replace("<", " ").replace(">", " ")
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ", max(0, limit - 40))
        text = (cut[:space] if space > 0 else cut).strip()
    return text


# Messages starting with "/" are intents given directly (the buttons' payloads, e.g.
# /inform{"metier_id": "…"}). Rasa logs the whole text of a malformed one, and the name
# of an unknown intent or entity: such a text is passed on as plain text instead.
_COMMAND = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*(?:/[\w-]+)?)(?P<confidence>@[0-9.]+)?(?P<entities>\{.*\})?$", re.S)


def _domain_names() -> tuple | None:
    """(intents, entities) of the running Rasa server's domain, or None if unknown."""
    try:
        from sanic import Sanic

        agent = getattr(Sanic.get_app("rasa_server").ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        if domain is None:
            return None
        return set(domain.intents), set(domain.entities)
    except Exception:
        return None


#: Rasa's own intents a user may not trigger by typing them (``/session_start`` gave
#: the busy message; ``/restart`` would wipe the conversation).
INTERNAL_INTENTS = frozenset({"session_start", "restart", "back", "nlu_fallback"})
#: Longest entity value accepted in a typed command (a métier id or name is shorter).
MAX_ENTITY_CHARS = 120


def command_entities(text: str, names: tuple | None = None) -> dict[str, Any] | None:
    """The entities of a well-formed ``/intent{entities}`` command (``{}`` when it has
    none), or None when ``text`` is not an acceptable command: malformed, an intent or
    entity missing from the domain (when ``names`` = (intents, entities) is given), an
    internal Rasa intent, or an entity value that is not a short plain string/number."""
    match = _COMMAND.match(text)
    if not match:
        return None
    intents, entities = names if names else (None, None)
    intent = match["intent"].split("/")[0]
    if intent in INTERNAL_INTENTS or (intents is not None and intent not in intents):
        return None
    if not match["entities"]:
        return {}
    try:
        values = loads_limited(match["entities"])
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    if entities is not None and any(key not in entities for key in values):
        return None
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        if isinstance(value, str):
            if len(value) > MAX_ENTITY_CHARS:
                return None
            # The JSON may carry markup as \u003c escapes: clean the decoded value.
            value = clean_text(value, MAX_ENTITY_CHARS)
            if not value:
                return None
        clean[key] = value
    return clean


def is_valid_command(text: str, names: tuple | None = None) -> bool:
    """Whether ``text`` is an acceptable ``/intent{entities}`` command (see
    :func:`command_entities`)."""
    return command_entities(text, names) is not None


def prepare_text(text: str | None) -> str:
    """:func:`clean_text`; a typed ``/command`` with its entity values cleaned, or made
    plain text when it is malformed, unknown or internal."""
    text = clean_text(text)
    if not text.startswith("/"):
        return text
    entities = command_entities(text, _domain_names())
    match = _COMMAND.match(text)
    if entities is None or match is None:
        return text.lstrip("/").strip()
    command = "/" + match["intent"] + (match["confidence"] or "")
    if match["entities"]:
        command += json.dumps(entities, ensure_ascii=False)
    return command


# --- failure detection ----------------------------------------------------------------


class _Turn:
    """What happened while one user message was handled."""

    __slots__ = ("failed", "store_failed")

    def __init__(self) -> None:
        self.failed = False
        self.store_failed = False


_current_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("proa_current_turn", default=None)

#: Logged by stores.sql_tracker_store when the database failed (not imported: the
#: channels also run with Rasa's own stores).
_STORE_FAILURE_PREFIX = "Tracker store failure"


class _ActionFailureFilter(logging.Filter):
    """Marks the current turn as failed when Rasa's processor reports a failed action,
    or the project's tracker store a failed database call.

    The processor runs in the task (hence the context) of the channel's handler, so the
    context variable tells which message the record belongs to. Never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            turn = _current_turn.get()
            if turn is not None:
                message = str(record.msg)
                if message.startswith("Encountered an exception while running action"):
                    turn.failed = True
                elif record.name.startswith("stores.") and record.getMessage().startswith(_STORE_FAILURE_PREFIX):
                    turn.store_failed = True
        return True


_FAILURE_FILTER = _ActionFailureFilter()
for _name in ("rasa.core.processor", "stores.sql_tracker_store"):
    if _FAILURE_FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FAILURE_FILTER)


class _CountingOutput(OutputChannel):
    """Holds the bot messages of the turn until it is over (:meth:`flush`), so that the
    answers of a turn the database could not load or store are never shown."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.held: list = []

    @property
    def sent(self) -> int:
        return len(self.held)

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.held.append((recipient_id, message))

    async def flush(self) -> None:
        for recipient_id, message in self.held:
            await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


class ActionServerSkipped(Exception):
    """A custom action not called because the action server already failed in this turn."""


_remote_run = getattr(
    rasa.core.actions.action.RemoteAction.run, "__wrapped_run__", rasa.core.actions.action.RemoteAction.run
)


async def _run_unless_failed(self: Any, *args: Any, **kwargs: Any) -> Any:
    """``RemoteAction.run``, except once an action of the current turn failed: a hung
    action server then costs one timeout per message, not one per action (a new
    conversation runs action_session_start and then the answer's action)."""
    turn = _current_turn.get()
    if turn is not None and turn.failed:
        raise ActionServerSkipped(self.name())
    return await _remote_run(self, *args, **kwargs)


_run_unless_failed.__wrapped_run__ = _remote_run  # type: ignore[attr-defined]
rasa.core.actions.action.RemoteAction.run = _run_unless_failed  # type: ignore[assignment]

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def guard(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap Rasa's message handler: clean the text, answer empty messages, and send
    :data:`BUSY_TEXT` when the handling failed or produced no bot message (only that
    text when the tracker store failed: the turn was not stored)."""

    async def guarded(message: UserMessage) -> Any:
        output = message.output_channel
        message.text = prepare_text(message.text)
        if not message.text:
            await output.send_text_message(message.sender_id, EMPTY_TEXT)
            return None

        counting = _CountingOutput(output)
        message.output_channel = counting
        turn = _Turn()
        token = _current_turn.set(turn)
        try:
            result = await on_new_message(message)
        except Exception as error:
            # The exception text may quote the user message: log its type only.
            logger.error("Message handling failed: %s", type(error).__name__)
            turn.failed = True
            result = None
        finally:
            _current_turn.reset(token)
            message.output_channel = output

        if turn.store_failed:
            logger.warning("The conversation store failed: the user was told to retry.")
        elif turn.failed:
            logger.warning("A custom action failed: the user was told to retry.")
        elif counting.sent:
            await counting.flush()
            return result
        # Only the busy message: what the turn computed after a failure (the fallback
        # Rasa predicts once an action failed) would only confuse the person.
        await output.send_text_message(message.sender_id, BUSY_TEXT)
        return result

    return guarded


# --- channels ----------------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


class RequestError(Exception):
    """A REST request that cannot be handled; becomes an HTTP 4xx."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def parse_rest_body(content_type: str | None, body: bytes) -> dict[str, Any]:
    """Validate a REST webhook request; returns sender, message and metadata.

    Raises :class:`RequestError` with the HTTP status and a French message.
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise RequestError(
            415,
            "unsupported_media_type",
            "La requête doit être envoyée en JSON (en-tête « Content-Type: application/json »).",
        )
    if len(body) > MAX_BODY_BYTES:
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


class GuardedRestInput(RestInput):
    """Rasa's REST channel (``/webhooks/rest/webhook``) with request validation, text
    cleaning and the busy answer (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        module_type = inspect.getmodule(self)
        webhook = Blueprint(
            f"custom_webhook_{type(self).__name__}",
            module_type.__name__ if module_type else None,
        )
        handle = guard(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                fields = parse_rest_body(request.headers.get("content-type"), request.body or b"")
            except RequestError as error:
                return _error(error.status, error.code, error.message)
            input_channel = self.name()
            if request.args.get("stream", "false").lower() == "true":
                return response.stream(
                    self.stream_response(
                        handle, fields["message"], fields["sender"], input_channel, fields["metadata"]
                    ),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            await handle(
                UserMessage(
                    fields["message"],
                    collector,
                    fields["sender"],
                    input_channel=input_channel,
                    metadata=fields["metadata"],
                )
            )
            return response.json(collector.messages)

        return webhook


class GuardedSocketIOInput(PersistentSocketIOInput):
    """The project's socket.io channel (``socketio``) with text cleaning and the busy
    answer (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(guard(on_new_message))


# Rasa's built-in ``botframework:`` and ``slack:`` credentials keys mean the project's
# Teams and Slack channels once the project's channels are loaded (those modules
# register themselves; imported last because they use :func:`guard`).
import channels.botframework_checked  # noqa: E402
import channels.slack_interactive  # noqa: E402, F401
