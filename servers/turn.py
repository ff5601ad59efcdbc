"""What failed while ``rasa run`` handled one user message (a turn), kept as values.

Rasa tells the code around its message handler about neither failure that changes the
reply: its processor catches a custom action's exception and only logs it, and the
project's tracker store (:mod:`stores.sql_tracker_store`) does not raise on a database
error (Rasa's fail-safe wrapper would fall back to memory). So the code that sees the
failure records it on the current :class:`Turn`:

- a custom action raised: the ``RemoteAction.run`` wrapper of :mod:`servers.patches`
  (patch ``skip_after_failure``), before the processor catches the exception;
- a database call failed: :class:`stores.sql_tracker_store.CheckedSQLTrackerStore`;

and the turn guard (:func:`channels.turn_guard.guard`), which opens the turn with
:func:`handling` around Rasa's handler, reads it when the handler returns.

The turn is found through a context variable: Rasa runs the actions and the tracker store
in the task of the channel's handler, or in tasks started from it, which copy the
context and so share the same :class:`Turn` object. Outside a turn (Rasa's HTTP API, a
script) recording does nothing. Imports nothing but the standard library: the stores,
the patches and the channels all use it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Turn:
    """The failures of one user message."""

    #: A custom action (``RemoteAction``) raised: action server down, slow or answering an
    #: error. A rejection (``ActionExecutionRejection``) is no failure.
    action_failed: bool = False
    #: The tracker store could not read or write the conversation.
    store_failed: bool = False


_current: contextvars.ContextVar[Turn | None] = contextvars.ContextVar("proa_turn", default=None)


@contextmanager
def handling() -> Iterator[Turn]:
    """Open a turn for the message handled inside the ``with`` block; yields it."""
    turn = Turn()
    token = _current.set(turn)
    try:
        yield turn
    finally:
        _current.reset(token)


def current() -> Turn | None:
    """The turn being handled in this context, if any."""
    return _current.get()


def record_action_failure() -> None:
    """A custom action of the current turn raised."""
    turn = _current.get()
    if turn is not None:
        turn.action_failed = True


def record_store_failure() -> None:
    """The tracker store failed to read or write the current turn's conversation."""
    turn = _current.get()
    if turn is not None:
        turn.store_failed = True
