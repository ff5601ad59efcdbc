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
- when the handling raised, when a custom action of this message raised (recorded on
  the turn, :mod:`servers.turn`, by the patch ``skip_after_failure``), or when no bot
  message at all was sent, the user gets :data:`BUSY_TEXT`, and only it (not the
  fallback Rasa predicts after a failed action, before it). The conversation (tracker)
  is kept: the next message goes on from there;
- the bot messages of a turn are held until it is over: when the tracker store
  (``stores.sql_tracker_store``) recorded a database failure on the turn, the user gets
  only :data:`BUSY_TEXT` (the answers were computed on a conversation that was not read,
  or will not be stored);
- once a custom action failed in a turn, the turn's other custom actions are not called
  (a hung action server costs one timeout per message, not one per action);
- a typed ``/intent{…}`` keeps working (the buttons send them) but its entity values
  must be short plain strings or numbers, cleaned like the text; Rasa's internal
  intents (``/session_start``, ``/restart``…) are passed on as plain text;
- the action server call gives up after ``PROA_ACTION_TIMEOUT`` seconds (default 10)
  instead of 5 minutes (patch ``action_timeout`` of :mod:`servers.patches`).

The REST channel also validates the request: JSON body (``Content-Type:
application/json``, nested at most ``PROA_MAX_JSON_DEPTH`` deep) that is an object with
a string ``sender`` (1–128 characters), a string ``message`` and an optional object
``metadata`` of at most ``PROA_MAX_METADATA_BYTES``; anything else gets an HTTP 4xx
with a French JSON error ``{"error": "<code>", "message": "<French text>"}``, never a
500. ``input_channel`` is always the channel's name (a client cannot claim another
channel). The REST channel is server-to-server: see docs/channels.md. Importing this
module also applies the HTTP guard (:mod:`servers.http_guard`: malformed request framing).

Use them in the credentials file instead of the built-in keys::

    channels.guarded.GuardedRestInput:
    channels.guarded.GuardedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

The jobs live in their own modules, re-exported here (the credentials files, the other
channels and the tests name ``channels.guarded``):

- :mod:`channels.message_text`: the text cleaning and the typed commands;
- :mod:`channels.turn_guard`: :func:`guard`, the turn's failures and the busy answer;
- :mod:`channels.rest_request`: the REST request checks and their 4xx answers;
- this module: the two channel classes, and :func:`apply_patches`, which importing it
  calls: the patches of :mod:`servers.patches` (the action timeout, the action answer
  validator, the failed and skipped actions, the feedback comment, the HTTP guard, the
  project's Teams and Slack channels for Rasa's built-in keys).

Nothing here logs the user's text (see docs/operations.md, "Privacy").
"""

from __future__ import annotations

import inspect
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels.action_validation import validate_action_result
from channels.botframework_checked import CheckedBotFrameworkInput
from channels.feedback_comment import events_after_extract
from channels.message_text import (
    INTERNAL_INTENTS,
    MAX_ENTITY_CHARS,
    MAX_MESSAGE_CHARS,
    clean_text,
    command_entities,
    is_valid_command,
    prepare_text,
)
from channels.rest_request import MAX_BODY_BYTES, RequestError, error_response, parse_rest_body
from channels.slack_interactive import InteractiveSlackInput
from channels.socketio_persistent import PersistentSocketIOInput
from channels.turn_guard import (
    BUSY_TEXT,
    EMPTY_TEXT,
    ActionServerSkipped,
    OnNewMessage,
    guard,
    skip_if_turn_failed,
)
from servers.patches import RasaHooks, apply_rasa_server

__all__ = [
    "ACTION_TIMEOUT",
    "BUSY_TEXT",
    "EMPTY_TEXT",
    "INTERNAL_INTENTS",
    "MAX_BODY_BYTES",
    "MAX_ENTITY_CHARS",
    "MAX_MESSAGE_CHARS",
    "ActionServerSkipped",
    "GuardedRestInput",
    "GuardedSocketIOInput",
    "OnNewMessage",
    "RequestError",
    "clean_text",
    "command_entities",
    "guard",
    "is_valid_command",
    "parse_rest_body",
    "prepare_text",
]

#: Seconds after which a call to the action server is given up.
ACTION_TIMEOUT = Settings.from_env().action_timeout


def apply_patches() -> None:
    """What ``rasa run`` changes in Rasa and Sanic, applied once when the channels are
    loaded (idempotent): every patch of :mod:`servers.patches` with the project's code
    (the action timeout, the cached validator of the action server's answers, the
    failed actions recorded on the turn and the skipped actions of a failed turn, the
    feedback comment, the project's Teams and Slack channels for Rasa's built-in keys,
    the HTTP guard)."""
    apply_rasa_server(
        RasaHooks(
            action_timeout=ACTION_TIMEOUT,
            validate_action_result=validate_action_result,
            before_remote_action=skip_if_turn_failed,
            after_extract_slots=events_after_extract,
            builtin_channels=(CheckedBotFrameworkInput, InteractiveSlackInput),
        )
    )


apply_patches()


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
                # This module's limit, read at each request (a test lowers it here).
                fields = parse_rest_body(request.headers.get("content-type"), request.body or b"", MAX_BODY_BYTES)
            except RequestError as error:
                return error_response(error.status, error.code, error.message)
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
