"""A Redis lock store that stays correct when several Rasa instances share it.

Rasa Open Source 3.6's ``RedisLockStore`` keeps one JSON "ticket lock" per conversation
and changes it with read-modify-write sequences (``GET``, change in Python, ``SET``) in
``issue_ticket``, ``update_lock`` and ``cleanup``. Two instances that receive messages
of the same conversation at the same time can overwrite each other's ticket: both then
believe they are served, process the conversation together, and the SQL tracker store
keeps the events of only one of them (a user message disappears; measured by
tests/e2e/test_scale_out.py). Rasa fixed this only in its commercial edition
(``ConcurrentRedisLockStore``, RasaHQ/rasa#11256).

This subclass keeps Rasa's ticket logic and storage format and runs each of those
sequences under a short Redis mutex (redis-py's ``Lock``: ``SET NX PX`` with a token),
one per conversation. Use it in the endpoints file::

    lock_store:
      type: stores.redis_lock_store.AtomicRedisLockStore
      url: <redis host>
      port: 6379
      ...  # the same keys as Rasa's ``type: redis``
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis.exceptions
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

#: Seconds after which a mutex left by a crashed instance expires by itself.
MUTEX_LIFETIME = 10.0
#: Seconds an instance waits for the mutex before giving up on the message.
MUTEX_WAIT = 10.0


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with atomic ticket updates (see the module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds custom lock stores with ``endpoint_config=…`` only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        mutex = self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_LIFETIME, blocking_timeout=MUTEX_WAIT
        )
        try:
            acquired = mutex.acquire()
        except redis.exceptions.RedisError as error:
            raise LockError(f"Redis error while locking conversation '{conversation_id}': {error}") from error
        if not acquired:
            raise LockError(f"Could not lock conversation '{conversation_id}' in {MUTEX_WAIT} s.")
        try:
            yield
        finally:
            try:
                mutex.release()
            except redis.exceptions.LockError:
                pass  # expired meanwhile: nothing left to release

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket (see ``LockStore.issue_ticket``), atomically."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (see ``LockStore.update_lock``), atomically."""
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish serving a ticket and delete the lock when nobody waits, atomically."""
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
