"""Rasa's socket.io channel with a working ``session_persistence``.

Rasa Open Source 3.6 calls ``sio.enter_room(sid, session_id)`` without ``await`` in its
``session_request`` handler. Since python-socketio 5.10 ``AsyncServer.enter_room`` is a
coroutine, so the socket never joins the room of its session, and every bot message
(emitted to ``room=session_id``) is lost: the web chat gets no answer
(RasaHQ/rasa issue #13027). This subclass re-registers that one handler with the
``await``; everything else is Rasa's channel, under the same name ``socketio``
(webhook ``/webhooks/socketio``, ``tracker.get_latest_input_channel() == "socketio"``).

Use it in ``credentials.yml`` instead of the built-in ``socketio:`` key::

    channels.socketio_persistent.PersistentSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)


class PersistentSocketIOInput(SocketIOInput):
    """``SocketIOInput`` whose ``session_request`` really joins the session's room."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        # Registering the same event again replaces Rasa's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            if not isinstance(data, dict):
                data = {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, data["session_id"], namespace=self.namespace)
                if inspect.isawaitable(joined):  # python-socketio >= 5.10
                    await joined
            await sio.emit(
                "session_confirm", data["session_id"], room=sid, namespace=self.namespace
            )
            logger.debug(f"User {sid} joined socket.io session {data['session_id']}.")

        return socketio_webhook
