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

**Locks of a dead process.** Each ticket carries the identity of the process that took
it (:func:`holder`: host name, boot id, PID namespace, pid and the process's start
time), stored with Rasa's fields in the ticket's JSON. A ticket whose holder is gone
(same machine and PID namespace, and the pid no longer runs, or runs another program
since it was reused, or the machine rebooted since) counts as expired
(:class:`HeldTicket`). Rasa killed in the middle of a message therefore no longer
keeps that person waiting for the ticket's 60 s lifetime after a restart. A ticket
taken on another machine or in another PID namespace (a container sharing the file)
cannot be checked and keeps Rasa's expiry.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_DB = "proa_locks.db"
#: Seconds a process waits for another one's lock transaction (they last microseconds).
BUSY_TIMEOUT = 30.0

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _read(path: str | Path) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None


def _start_time(pid: int) -> str | None:
    """Start time of process ``pid`` (clock ticks since boot, /proc/<pid>/stat field
    22), or None when no such process runs."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat or ")" not in stat:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[19] if len(fields) > 19 else None


def _pid_namespace() -> str | None:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


_HOLDER: dict[int, dict[str, Any] | None] = {}


def holder() -> dict[str, Any] | None:
    """This process's identity, or None where it cannot be checked (no /proc)."""
    pid = os.getpid()
    if pid not in _HOLDER:
        start, boot = _start_time(pid), _read(_BOOT_ID)
        _HOLDER.clear()
        _HOLDER[pid] = (
            None
            if start is None or not boot
            else {"host": socket.gethostname(), "boot": boot, "pidns": _pid_namespace(), "pid": pid, "start": start}
        )
    return _HOLDER[pid]


def holder_alive(identity: Any) -> bool:
    """Whether the process ``identity`` (from :func:`holder`) may still hold its ticket:
    False only when it certainly stopped; True when it runs or cannot be checked."""
    me = holder()
    if not isinstance(identity, dict) or me is None:
        return True
    if identity == me:
        return True
    if identity.get("host") != me["host"]:
        return True  # another machine: cannot tell
    if identity.get("boot") != me["boot"]:
        return False  # this machine rebooted since the ticket was taken
    if identity.get("pidns") != me["pidns"] or not isinstance(identity.get("pid"), int):
        return True  # another PID namespace (container): cannot tell
    return _start_time(identity["pid"]) == identity.get("start")


class HeldTicket(Ticket):
    """Rasa's ticket plus the identity of the process that took it; it counts as expired
    when that process is gone."""

    def __init__(self, number: int, expires: float, holder: dict[str, Any] | None = None) -> None:
        super().__init__(number, expires)
        self.holder = holder

    def has_expired(self) -> bool:
        return super().has_expired() or not holder_alive(self.holder)

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        if self.holder is not None:
            data["holder"] = self.holder
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeldTicket:
        return cls(number=data["number"], expires=data["expires"], holder=data.get("holder"))


class HeldTicketLock(TicketLock):
    """Rasa's ticket lock whose tickets are :class:`HeldTicket` (same JSON, one more
    field per ticket, which Rasa's own ``TicketLock.from_dict`` ignores)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeldTicketLock:
        tickets = [HeldTicket.from_dict(json.loads(ticket)) for ticket in data.get("tickets", [])]
        return cls(data.get("conversation_id"), deque(tickets))

    def issue_ticket(self, lifetime: float) -> int:
        """Issue a new ticket held by this process and return its number."""
        self.remove_expired_tickets()
        number = self.last_issued + 1
        self.tickets.append(HeldTicket(number, time.time() + lifetime, holder()))
        return number


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
        return HeldTicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def create_lock(conversation_id: str) -> TicketLock:
        """A new lock whose tickets carry their holder's identity."""
        return HeldTicketLock(conversation_id)

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
