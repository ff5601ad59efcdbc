"""Rasa's SQL tracker store that never loses a turn silently.

Rasa Open Source 3.6 wraps every tracker store in ``FailSafeTrackerStore``: when the
database fails (SQLite file locked by another process, read-only, disk full,
PostgreSQL down), a failed ``retrieve`` returns None, so the turn starts a new, empty
conversation that is then saved on top of the stored one (mixed events, a forgotten
profile); a failed ``save`` goes to an in-memory store that nothing reads back. The
person gets normal-looking answers, and the only trace is an ERROR log whose SQL
parameters hold the sender id.

This subclass:

- on a database error in ``retrieve`` / ``save``, records the failure on the current turn
  (:func:`servers.turn.record_store_failure`) and does not raise, so that Rasa's
  fail-safe wrapper does not fall back to memory; the turn guard of the channels
  (``channels.turn_guard``) reads the turn and answers the person with the French busy
  message instead of the turn's answers;
- for the operators, logs ``Tracker store failure`` at ERROR with the operation, the
  error class and, for SQLite, its short reason (never the SQL nor its parameters, hence
  no sender id);
- after a failed ``retrieve`` skips the ``save`` of that conversation's turn: the
  conversation stored before is kept as it was, nothing is written over it.

It also cuts Rasa's per-message cost (issue 12; ``benchmarks/bench_tracker_store.py``):

- ``retrieve`` runs Rasa's query (events of the latest session, in id order) as one
  Core statement built once, reading only the ``data`` column: SQLAlchemy computes its
  cache key once instead of rebuilding an ORM query at every message;
- ``save`` inserts the turn's new events with one ``executemany`` instead of one ORM
  object per event;
- ``save`` skips the COUNT query Rasa runs to find which events are new when the tracker
  is the very object this store's ``retrieve`` returned: Rasa retrieves, handles and
  saves a message under the conversation's lock, so the number of rows read then is the
  number stored now. Any other tracker (``PUT /tracker/events``, a full-history
  tracker, a retrieve without save) falls back to Rasa's COUNT.

Use it in the endpoints file with the keys of Rasa's ``type: SQL``::

    tracker_store:
      type: stores.sql_tracker_store.CheckedSQLTrackerStore
      dialect: sqlite
      db: proa_trackers.db

A new SQLite file is created with mode 0600 (readable by the service's user only).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from servers import turn

logger = logging.getLogger(__name__)

#: Start of the ERROR record of a failure, for the operators (the turn guard learns it
#: from :mod:`servers.turn`, not from the log).
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


#: Size of the retrieved-trackers table at which the entries of collected trackers go.
_READ_PRUNE_AT = 1000


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
        self._unread: set[str] = set()
        # sender id -> (the tracker retrieve returned, rows it was built from).
        self._read: dict[str, tuple[weakref.ref[DialogueStateTracker], int]] = {}
        self._latest_session_query = _latest_session_query(self.SQLEvent.__table__)
        self._insert = self.SQLEvent.__table__.insert()

    def _failed(self, operation: str, error: BaseException) -> None:
        turn.record_store_failure()
        logger.error("%s (%s): %s", FAILURE_LOG_PREFIX, operation, describe(error))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            tracker = await super().retrieve(sender_id)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._unread.add(sender_id)
            self._failed("retrieve", error)
            return None
        self._unread.discard(sender_id)
        return tracker

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's ``_retrieve``; the latest session is read with the prebuilt statement."""
        self._read.pop(sender_id, None)
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(self._latest_session_query, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
        if len(self._read) >= _READ_PRUNE_AT:
            # Retrieved and never saved (e.g. GET /tracker): forget the collected ones.
            self._read = {key: value for key, value in self._read.items() if value[0]() is not None}
        self._read[sender_id] = (weakref.ref(tracker), len(rows))
        return tracker

    async def _insert_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``SQLTrackerStore.save`` with one ``executemany`` for the new events."""
        read = self._read.pop(tracker.sender_id, None)  # before the event broker's retrieve
        await self.stream_events(tracker)
        with self.session_scope() as session:
            if read is not None and read[0]() is tracker and tracker is not None:
                new_events: Iterable = itertools.islice(tracker.events, read[1], len(tracker.events))
            else:
                new_events = self._additional_events(session, tracker)
            rows = [event_row(tracker.sender_id, event) for event in new_events]
            if rows:
                session.execute(self._insert, rows)
            session.commit()

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._failed("retrieve", error)
            raise TrackerStoreFailure(describe(error)) from None

    async def keys(self) -> Iterable[str]:
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
            await self._insert_new_events(tracker)
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._failed("save", error)


def event_row(sender_id: str, event: Any) -> dict[str, Any]:
    """The ``events`` table row of one event, as Rasa's ``SQLTrackerStore.save`` writes it."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _latest_session_query(events: sa.Table) -> Any:
    """Rasa's ``SQLTrackerStore._event_query`` for the latest session, as a Core select of
    the ``data`` column with a ``sender_id`` bind parameter: events after the latest
    ``SessionStarted`` (all of them when there is none), in id order."""
    sender = sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp).label("session_start"))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .subquery()
    )
    return (
        sa.select(events.c.data)
        .where(
            events.c.sender_id == sender,
            sa.or_(events.c.timestamp >= session_start.c.session_start, session_start.c.session_start.is_(None)),
        )
        .order_by(events.c.id)
    )


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
