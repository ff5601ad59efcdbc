"""Rasa's socket.io channel with working, server-issued sessions and input checks.

Rasa Open Source 3.6's ``socketio`` channel has three problems this subclass fixes,
under the same name ``socketio`` (webhook ``/webhooks/socketio``,
``tracker.get_latest_input_channel() == "socketio"``):

- it calls ``sio.enter_room(sid, session_id)`` without ``await`` in ``session_request``.
  Since python-socketio 5.10 ``AsyncServer.enter_room`` is a coroutine, so the socket
  never joined the room of its session and every bot message was lost
  (RasaHQ/rasa issue #13027);
- the client chooses its session id, and any client that sends someone else's id in
  ``session_request`` or ``user_uttered`` receives her answers and writes into her
  conversation. Here the id is issued and signed by the server
  (:mod:`channels.session_ids`): an id that is not genuine gets a new conversation, and
  ``user_uttered`` is only accepted for the session this very connection requested;
- ``user_uttered`` was not checked at all. Here the event must be an object whose
  ``message`` is a string and whose ``metadata`` passes
  :func:`channels.input_checks.metadata_problem`; otherwise the client gets
  :data:`INVALID_TEXT` and nothing reaches Rasa.

Use it in ``credentials.yml`` (``channels.guarded.GuardedSocketIOInput`` adds the text
cleaning and the busy answer)::

    channels.guarded.GuardedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot import wording
from channels.input_checks import loads_limited, metadata_problem
from channels.session_ids import SessionSigner, load_secret

logger = logging.getLogger(__name__)

INVALID_TEXT = wording.text("channels", "socketio_unreadable")


class PersistentSocketIOInput(SocketIOInput):
    """``SocketIOInput`` with signed, connection-bound sessions (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        signer = SessionSigner(load_secret())
        # socket id -> conversation id it requested; only read in this event loop.
        sessions: dict[str, str] = {}

        async def join(sid: str, room: str) -> None:
            joined = sio.enter_room(sid, room, namespace=self.namespace)
            if inspect.isawaitable(joined):  # python-socketio >= 5.10
                await joined

        # Registering the same event again replaces Rasa's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            conversation_id = signer.conversation_id(requested)
            if conversation_id is None:  # no genuine session id: a new conversation
                session_id = signer.issue()
                conversation_id = signer.conversation_id(session_id)
                assert conversation_id is not None, "an issued session id names its conversation"
            else:
                session_id = str(requested)  # genuine, hence a string
            previous = sessions.get(sid)
            if previous and previous != conversation_id:
                leave = sio.leave_room(sid, previous, namespace=self.namespace)
                if inspect.isawaitable(leave):
                    await leave
            sessions[sid] = conversation_id
            # Without persistence too, the bot's answers go to the conversation's room.
            await join(sid, conversation_id)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            output_channel = SocketIOOutput(sio, self.bot_message_evt)
            conversation_id = sessions.get(sid)
            if not isinstance(data, dict) or conversation_id is None:
                await sio.emit(self.bot_message_evt, {"text": INVALID_TEXT}, room=sid, namespace=self.namespace)
                return
            # A session id that is not the one this connection was given is refused.
            if (
                data.get("session_id") not in (None, "")
                and signer.conversation_id(data.get("session_id")) != conversation_id
            ):
                await sio.emit(self.bot_message_evt, {"text": INVALID_TEXT}, room=sid, namespace=self.namespace)
                return
            message = data.get("message", "")
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):
                try:
                    metadata = loads_limited(metadata)
                except ValueError:
                    metadata = "invalid"
            if not isinstance(message, str) or metadata_problem(metadata):
                logger.info("socket.io message refused: %s", "message" if not isinstance(message, str) else "metadata")
                await sio.emit(self.bot_message_evt, {"text": INVALID_TEXT}, room=sid, namespace=self.namespace)
                return
            await on_new_message(
                UserMessage(
                    message, output_channel, conversation_id, input_channel=self.name(), metadata=metadata or {}
                )
            )

        return socketio_webhook
