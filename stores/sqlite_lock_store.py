"""A conversation lock store in a SQLite file, shared by every process of one machine.

Rasa serialises the messages of one conversation with a lock store: a message is
handled (tracker loaded, actions run, tracker saved) while it holds the
conversation's ticket lock. Rasa's default ``InMemoryLockStore`` lives inside the
``rasa run`` process, so ``scripts/purge_conversations.py --sender X`` could not wait
for a message of X being processed: when that message finished, Rasa saved the
tracker it had loaded and the erased events came back.

This lock store keeps Rasa's ticket locks (same ``TicketLock`` logic and JSON) in a
small SQLite file; each read-modify-write of a lock runs in one ``BEGIN IMMEDIATE``
transaction, so ``rasa run`` and the purge script (or several ``rasa run`` on the same
machine) see and respect the same tickets. Endpoints file::

    lock_store:
      type: stores.sqlite_lock_store.SQLiteLockStore
      db: proa_locks.db     # relative to the working folder of `rasa run`

For several machines use the Redis lock store (``endpoints.scale.yml``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_DB = "proa_locks.db"
#: Seconds a process waits for another one's lock transaction (they last microseconds).
BUSY_TIMEOUT = 30.0


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks stored in a SQLite file (see the module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, db: str | None = None, **_: Any) -> None:
        if endpoint_config is not None:
            db = db or endpoint_config.kwargs.get("db") or endpoint_config.url
        self.path = Path(db or DEFAULT_DB)
        _create_private(self.path)
        self._connection = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        self._thread_lock = threading.RLock()
        self._depth = 0
        with self._transaction():
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS conversation_locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"
            )
        super().__init__()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (re-entrant: nested calls join the outer one)."""
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise LockError(f"Lock store unavailable: {type(error).__name__}") from None
            self._depth = 1
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                self._connection.execute("COMMIT")
            finally:
                self._depth = 0

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        with self._thread_lock:
            row = self._connection.execute(
                "SELECT lock FROM conversation_locks WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        with self._transaction():
            self._connection.execute("DELETE FROM conversation_locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self._transaction():
            self._connection.execute(
                "INSERT OR REPLACE INTO conversation_locks (conversation_id, lock) VALUES (?, ?)",
                (lock.conversation_id, lock.dumps()),
            )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket (see ``LockStore.issue_ticket``) in one transaction."""
        with self._transaction():
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (see ``LockStore.update_lock``) in one transaction."""
        with self._transaction():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish serving a ticket and delete the lock when nobody waits, in one transaction."""
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)

    def close(self) -> None:
        with self._thread_lock:
            self._connection.close()


def _create_private(path: Path) -> None:
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
