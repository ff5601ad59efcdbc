"""Rasa's SQL tracker store that never loses a turn silently.

Rasa Open Source 3.6 wraps every tracker store in ``FailSafeTrackerStore``: when the
database fails (SQLite file locked by another process, read-only, disk full,
PostgreSQL down), a failed ``retrieve`` returns None, so the turn starts a new, empty
conversation that is then saved on top of the stored one (mixed events, a forgotten
profile); a failed ``save`` goes to an in-memory store that nothing reads back. The
person gets normal-looking answers, and the only trace is an ERROR log whose SQL
parameters hold the sender id.

This subclass:

- on a database error in ``retrieve`` / ``save``, logs ``Tracker store failure`` at
  ERROR with the operation, the error class and, for SQLite, its short reason (never the
  SQL nor its parameters, hence no sender id), and does not raise, so that Rasa's
  fail-safe wrapper does not fall back to memory;
- after a failed ``retrieve`` skips the ``save`` of that conversation's turn: the
  conversation stored before is kept as it was, nothing is written over it;
- ``channels.guarded`` watches that log record (like a failed action) and answers the
  person with the French busy message instead of the turn's answers.

Use it in the endpoints file with the keys of Rasa's ``type: SQL``::

    tracker_store:
      type: stores.sql_tracker_store.CheckedSQLTrackerStore
      dialect: sqlite
      db: proa_trackers.db

A new SQLite file is created with mode 0600 (readable by the service's user only).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterable, Optional, Set, Text

import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

#: Start of the ERROR record that ``channels.guarded`` turns into the busy answer.
FAILURE_LOG_PREFIX = "Tracker store failure"

# SQLite's own short reasons: they name no conversation.
_SQLITE_REASONS = (
    "database is locked",
    "attempt to write a readonly database",
    "database or disk is full",
    "unable to open database file",
    "disk I/O error",
    "database disk image is malformed",
)


class TrackerStoreFailure(RuntimeError):
    """A database error, described without SQL nor parameters."""


def describe(error: BaseException) -> str:
    """The error class and, when it is one of SQLite's fixed reasons, that reason."""
    original = getattr(error, "orig", None) or error
    text = str(original)
    reason = next((known for known in _SQLITE_REASONS if known in text), None)
    name = type(original).__name__
    return f"{name}: {reason}" if reason else name


class CheckedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that reports database failures (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        dialect = kwargs.get("dialect", "sqlite")
        db = kwargs.get("db", "rasa.db")
        if str(dialect).startswith("sqlite") and db != ":memory:" and not kwargs.get("host"):
            _create_private(Path(db))
        super().__init__(*args, **kwargs)
        # Conversations whose last retrieve failed: their next save is skipped.
        self._unread: Set[str] = set()

    def _failed(self, operation: str, error: BaseException) -> None:
        logger.error("%s (%s): %s", FAILURE_LOG_PREFIX, operation, describe(error))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve(sender_id)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._unread.add(sender_id)
            self._failed("retrieve", error)
            return None
        self._unread.discard(sender_id)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._failed("retrieve", error)
            raise TrackerStoreFailure(describe(error)) from None

    async def keys(self) -> Iterable[Text]:
        try:
            return await super().keys()
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._failed("keys", error)
            raise TrackerStoreFailure(describe(error)) from None

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in self._unread:
            # What was loaded is not the stored conversation: writing it would mix it in.
            self._failed("save skipped after a failed retrieve", TrackerStoreFailure("unread"))
            return
        try:
            await super().save(tracker)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._failed("save", error)


def _create_private(path: Path) -> None:
    """Create an empty SQLite file readable by this user only (an existing one is left,
    but made private too)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError:
        return  # SQLAlchemy reports the real problem
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass
