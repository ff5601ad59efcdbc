"""One user message, one answer: the wrapper every channel puts around Rasa's handler.

Rasa Open Source 3.6, when a custom action fails (action server down, slow or answering
500), logs ``Encountered an exception while running action …`` in
``rasa.core.processor``, drops the action's events and goes on: the user gets no answer
at all, or only what the next predicted action says. :func:`guard` watches each turn
(one user message) and makes sure the person hears something useful:

- the text is prepared first (:func:`channels.message_text.prepare_text`); an empty
  message gets :data:`EMPTY_TEXT` without reaching the model;
- the bot messages of the turn are held until it is over (:class:`_CountingOutput`);
- when the handling raised, when a custom action of the turn raised, when the tracker
  store (``stores.sql_tracker_store``) failed to read or write the conversation, or when
  no bot message at all was sent, the user gets :data:`BUSY_TEXT`, and only it;
- once a custom action failed in a turn, its other custom actions are not called
  (:func:`skip_if_turn_failed`, called before ``RemoteAction.run`` by the patch
  ``skip_after_failure`` of :mod:`servers.patches`): a hung action server costs one
  timeout per message, not one per action.

The failures are values, not log lines: :func:`guard` opens a :class:`servers.turn.Turn`
around Rasa's handler, on which the ``RemoteAction.run`` wrapper of
:mod:`servers.patches` records a failed custom action (Rasa's processor catches the
exception and only logs it) and the tracker store a failed database call. Nothing here
logs the user's text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.wording import text
from channels.message_text import prepare_text
from servers import turn

# The logger of channels/guarded.py, where this code was first: log filters and alerts
# key on its name.
logger = logging.getLogger("channels.guarded")

#: What the person gets when the turn failed (knowledge/wording/guard.yml).
BUSY_TEXT = text("guard", "busy")
#: What the person gets for a message without text.
EMPTY_TEXT = text("guard", "empty_message")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


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


def skip_if_turn_failed(action_name: str) -> None:
    """Called before each custom action (``RemoteAction.run``, patch ``skip_after_failure`` of
    :mod:`servers.patches`): once an action of the current turn failed, raises
    :class:`ActionServerSkipped`, so a hung action server costs one timeout per message,
    not one per action (a new conversation runs action_session_start and then the
    answer's action)."""
    current = turn.current()
    if current is not None and current.action_failed:
        raise ActionServerSkipped(action_name)


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
        handling_failed = False
        with turn.handling() as current:
            try:
                result = await on_new_message(message)
            except Exception as error:
                # The exception text may quote the user message: log its type only.
                logger.error("Message handling failed: %s", type(error).__name__)
                handling_failed = True
                result = None
            finally:
                message.output_channel = output

        if current.store_failed:
            logger.warning("The conversation store failed: the user was told to retry.")
        elif handling_failed or current.action_failed:
            logger.warning("A custom action failed: the user was told to retry.")
        elif counting.sent:
            await counting.flush()
            return result
        # Only the busy message: what the turn computed after a failure (the fallback
        # Rasa predicts once an action failed) would only confuse the person.
        await output.send_text_message(message.sender_id, BUSY_TEXT)
        return result

    return guarded
