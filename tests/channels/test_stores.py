"""Issue 14, findings 4, 5 and 7: the project's tracker and lock stores.

- ``stores.sql_tracker_store.CheckedSQLTrackerStore`` on a real SQLite file with the
  real domain: a locked, read-only or full database is reported (log without sender
  id) and recorded on the turn (``servers/turn.py``), nothing is written over the stored
  conversation, and the conversation is intact once the database is back; the file is
  created with mode 0600;
- ``stores.sqlite_lock_store.SQLiteLockStore``: two instances (two processes) respect
  the same tickets, and ``purge_conversations.purge`` waits for a held lock; a lock
  left by a killed process is freed at once (issue 21, finding 8).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from servers import turn
from stores.sql_tracker_store import CheckedSQLTrackerStore
from stores.sqlite_lock_store import SQLiteLockStore

REPO = Path(__file__).resolve().parents[2]
SENDER = "sender-0612345678"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO / "domain.yml"))


@pytest.fixture
def store(tmp_path: Path, domain: Domain) -> CheckedSQLTrackerStore:
    return CheckedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))


def run(coroutine: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coroutine)


def first_turn(domain: Domain) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        SENDER,
        [
            ActionExecuted("action_listen"),
            UserUttered("je suis cariste", {"name": "inform"}),
            SlotSet("metier", "cariste"),
            ActionExecuted("action_listen"),
        ],
        domain.slots,
    )
    return tracker


def second_turn(tracker: DialogueStateTracker) -> DialogueStateTracker:
    tracker.update(UserUttered("j'ai 30 ans", {"name": "inform"}))
    tracker.update(SlotSet("age", 30.0))
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def stored_types(path: Path) -> list:
    with sqlite3.connect(path) as connection:
        return [
            row[0]
            for row in connection.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (SENDER,))
        ]


def failures(caplog: Any) -> list:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Tracker store failure")]


def test_database_file_is_private(store: CheckedSQLTrackerStore, tmp_path: Path) -> None:
    assert (tmp_path / "trackers.db").stat().st_mode & 0o777 == 0o600


def test_locked_database(store: CheckedSQLTrackerStore, domain: Domain, tmp_path: Path, caplog: Any) -> None:
    run(store.save(first_turn(domain)))
    before = stored_types(tmp_path / "trackers.db")
    holder = sqlite3.connect(tmp_path / "trackers.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.INFO), turn.handling() as failed_turn:
            assert run(store.retrieve(SENDER)) is None
            # Rasa then builds a fresh tracker and saves it: not over the stored one.
            fresh = DialogueStateTracker.from_events(SENDER, [ActionExecuted("action_listen")], domain.slots)
            holder.execute("ROLLBACK")
            run(store.save(fresh))
    finally:
        holder.close()
    assert failed_turn.store_failed  # what the channels' turn guard reads
    assert failures(caplog)[0] == "Tracker store failure (retrieve): OperationalError: database is locked"
    assert any("save skipped" in message for message in failures(caplog))
    assert SENDER not in caplog.text and "0612345678" not in caplog.text
    assert stored_types(tmp_path / "trackers.db") == before
    # Once the database answers again the conversation goes on from where it was.
    with turn.handling() as good_turn:
        tracker = run(store.retrieve(SENDER))
        assert tracker.get_slot("metier") == "cariste"
        run(store.save(second_turn(tracker)))
    assert not good_turn.store_failed
    assert run(store.retrieve(SENDER)).get_slot("age") == 30.0


def _on_connect(store: CheckedSQLTrackerStore, pragma: str) -> None:
    sa.event.listen(store.engine, "connect", lambda connection, _: connection.execute(pragma))
    store.engine.dispose()  # new connections get the pragma


@pytest.mark.parametrize(
    "pragma, reason",
    [("PRAGMA query_only = ON", "attempt to write a readonly database"), (None, "database or disk is full")],
    ids=["read_only", "full"],
)
def test_failed_save_is_reported(store, domain, tmp_path, caplog, pragma, reason) -> None:
    run(store.save(first_turn(domain)))
    before = stored_types(tmp_path / "trackers.db")
    if pragma is None:
        with sqlite3.connect(tmp_path / "trackers.db") as connection:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
        pragma = f"PRAGMA max_page_count = {pages}"
    _on_connect(store, pragma)
    tracker = run(store.retrieve(SENDER))
    tracker = second_turn(tracker)
    if "max_page_count" in pragma:
        # Enough data to need a new page.
        tracker.update(UserUttered("x" * 20_000, {"name": "inform"}))
    with caplog.at_level(logging.INFO), turn.handling() as failed_turn:
        run(store.save(tracker))  # no exception: Rasa must not fall back to memory
    assert failed_turn.store_failed
    assert failures(caplog) == [f"Tracker store failure (save): OperationalError: {reason}"]
    assert SENDER not in caplog.text
    assert stored_types(tmp_path / "trackers.db") == before


class SignallingLockStore(SQLiteLockStore):
    """The project's lock store that tells when its user found the lock held and waited
    (Rasa's ``LockStore._acquire_lock`` calls ``update_lock`` after each attempt that
    found the lock held): the tests wait for that event, not for a pause to pass."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.waited = threading.Event()

    def update_lock(self, conversation_id: str) -> None:
        self.waited.set()
        super().update_lock(conversation_id)


async def _event(event: threading.Event, timeout: float = 30) -> bool:
    """Wait for a thread's event from the event loop without blocking it."""
    deadline = time.monotonic() + timeout
    while not event.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return event.is_set()


def test_lock_store_shared_by_two_instances(tmp_path: Path) -> None:
    first = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    second = SignallingLockStore(db=str(tmp_path / "locks.db"))
    order: list = []

    async def both() -> None:
        entered, release = asyncio.Event(), asyncio.Event()

        async def hold_first() -> None:
            async with first.lock("conversation", wait_time_in_seconds=0.05):
                order.append("first in")
                entered.set()
                await release.wait()
                order.append("first out")

        async def take_second() -> None:
            async with second.lock("conversation", wait_time_in_seconds=0.05):
                order.append("second in")
            order.append("second out")

        holder = asyncio.ensure_future(hold_first())
        await asyncio.wait_for(entered.wait(), 30)
        taker = asyncio.ensure_future(take_second())
        # The second instance found the lock held by the first one and waits for it.
        assert await _event(second.waited), "the second instance never found the lock held"
        assert order == ["first in"]
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, taker), 30)

    run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert first.get_lock("conversation") is None  # cleaned up
    assert (tmp_path / "locks.db").stat().st_mode & 0o777 == 0o600


def _purge_module() -> Any:
    spec = importlib.util.spec_from_file_location("purge_conversations", REPO / "scripts/purge_conversations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_erasure_waits_for_the_message_in_flight(store, domain, tmp_path) -> None:
    purge = _purge_module()
    run(store.save(first_turn(domain)))
    rasa_locks = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def message_in_flight() -> None:
        async def handle() -> None:
            async with rasa_locks.lock(SENDER, wait_time_in_seconds=0.05):
                tracker = await store.retrieve(SENDER)
                held.set()
                while not release.is_set():
                    await asyncio.sleep(0.05)
                await store.save(second_turn(tracker))

        run(handle())
        done.set()

    worker = threading.Thread(target=message_in_flight)
    worker.start()
    assert held.wait(30)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'trackers.db'}")
    result: dict = {}
    purge_locks = SignallingLockStore(db=str(tmp_path / "locks.db"))
    purger = threading.Thread(target=lambda: result.update(purge.purge(engine, sender=SENDER, lock_store=purge_locks)))
    purger.start()
    # The purge found the conversation's lock held by the message and waits for it.
    assert purge_locks.waited.wait(30), "the purge did not wait for the message's lock"
    assert purger.is_alive()
    assert stored_types(tmp_path / "trackers.db"), "purged while the message was in flight"
    release.set()
    worker.join(30)
    purger.join(30)
    assert done.is_set() and result["events"] > 0
    assert stored_types(tmp_path / "trackers.db") == []  # the in-flight turn did not come back


def test_purge_reads_the_lock_store_of_the_endpoints(tmp_path: Path) -> None:
    purge = _purge_module()
    lock_store = purge.lock_store_from_endpoints(REPO / "endpoints.yml", base_dir=tmp_path)
    assert isinstance(lock_store, SQLiteLockStore) and lock_store.path == tmp_path / "proa_locks.db"
    url = purge.url_from_endpoints(REPO / "endpoints.yml", base_dir=tmp_path)
    assert url.database == str(tmp_path / "proa_trackers.db")


# --- issue 21, finding 8: a lock left by a dead process ---------------------------------

HOLDER = """
import asyncio, sys, time
from stores.sqlite_lock_store import SQLiteLockStore

async def hold():
    async with SQLiteLockStore(db=sys.argv[1]).lock("conversation", wait_time_in_seconds=0.05):
        print("held", flush=True)
        time.sleep(600)  # killed here, in the middle of the message

asyncio.run(hold())
"""


def _holder(db: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def _acquire_seconds(store: SQLiteLockStore, limit: float) -> float:
    async def take() -> float:
        started = time.monotonic()
        async with store.lock("conversation", wait_time_in_seconds=0.05):
            return time.monotonic() - started

    return run(asyncio.wait_for(take(), limit))


def test_lock_of_a_killed_process_is_freed_at_once(tmp_path: Path) -> None:
    """Rasa killed in the middle of a message left its ticket: after the restart, that
    person's next message waited for the ticket to expire (60 s)."""
    db = tmp_path / "locks.db"
    holder = _holder(db)
    store = SQLiteLockStore(db=str(db))
    try:
        # Alive: the lock is respected.
        with pytest.raises(asyncio.TimeoutError):
            _acquire_seconds(store, 0.5)
    finally:
        holder.kill()
        holder.wait(10)
    assert _acquire_seconds(store, 5) < 1.0
    assert store.get_lock("conversation") is None  # cleaned up


def test_ticket_of_a_reused_pid_or_another_boot_is_dead_but_another_machines_is_kept(tmp_path: Path) -> None:
    from stores.sqlite_lock_store import holder, holder_alive

    me = holder()
    assert me is not None and holder_alive(me)
    assert not holder_alive({**me, "start": "1"})  # the pid now runs another process
    assert not holder_alive({**me, "boot": "another-boot"})  # the machine rebooted since
    assert holder_alive({**me, "host": "another-machine", "pid": 1, "start": "1"})  # cannot tell: expiry
    assert holder_alive({**me, "pidns": "pid:[1]", "pid": 1, "start": "1"})  # another container
    assert holder_alive(None)  # a ticket written by Rasa's own lock store
