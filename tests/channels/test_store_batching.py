"""Issue 12: ``CheckedSQLTrackerStore`` stores exactly what Rasa's ``SQLTrackerStore``
stores, with one INSERT per save and no COUNT query when the saved tracker is the one
``retrieve`` returned; any other tracker falls back to Rasa's COUNT."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.sql_tracker_store import CheckedSQLTrackerStore

REPO = Path(__file__).resolve().parents[2]
SENDER = "batching-sender"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO / "domain.yml"))


def run(coroutine: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coroutine)


def turn_events(number: int) -> list[Any]:
    """One message: the user's text, a slot, the bot's answer, back to listening."""
    return [
        UserUttered(f"message {number}", {"name": "inform", "confidence": 1.0}, timestamp=100.0 + number),
        ActionExecuted("action_proa_answer", timestamp=100.1 + number),
        SlotSet("metier", f"metier {number}", timestamp=100.2 + number),
        BotUttered(f"réponse {number}", timestamp=100.3 + number),
        ActionExecuted("action_listen", timestamp=100.4 + number),
    ]


async def converse(store: Any, domain: Domain, turns: int, restart_at: int) -> None:
    """What ``rasa run`` does per message: retrieve (or create), add the turn, save."""
    for number in range(turns):
        tracker = await store.retrieve(SENDER)
        if tracker is None:
            tracker = DialogueStateTracker(SENDER, domain.slots)
            tracker.update(ActionExecuted("action_session_start", timestamp=99.0))
            tracker.update(SessionStarted(timestamp=99.1))
            tracker.update(ActionExecuted("action_listen", timestamp=99.2))
        if number == restart_at:
            # A new session inside the conversation: retrieve then reads from here on.
            tracker.update(ActionExecuted("action_session_start", timestamp=100.05 + number))
            tracker.update(SessionStarted(timestamp=100.06 + number))
        for event in turn_events(number):
            tracker.update(event)
        await store.save(tracker)


def stored(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


def statements(store: Any) -> list[str]:
    seen: list[str] = []
    sa.event.listen(
        store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement.strip().upper())
    )
    return seen


def test_same_rows_as_rasa_store(domain: Domain, tmp_path: Path) -> None:
    rasa_store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    ours = CheckedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
    run(converse(rasa_store, domain, turns=6, restart_at=3))
    run(converse(ours, domain, turns=6, restart_at=3))
    expected = stored(tmp_path / "rasa.db")
    assert len(expected) == 3 + 6 * 5 + 2
    assert stored(tmp_path / "ours.db") == expected
    # The latest session is read back as Rasa reads it.
    assert [e.as_dict() for e in run(ours.retrieve(SENDER)).events] == [
        e.as_dict() for e in run(rasa_store.retrieve(SENDER)).events
    ]
    assert run(ours.retrieve_full_tracker(SENDER)).get_slot("metier") == "metier 5"


def test_save_after_retrieve_skips_count_and_inserts_once(domain: Domain, tmp_path: Path) -> None:
    store = CheckedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    run(converse(store, domain, turns=2, restart_at=-1))
    tracker = run(store.retrieve(SENDER))
    for event in turn_events(2):
        tracker.update(event)
    seen = statements(store)
    run(store.save(tracker))
    assert not [s for s in seen if "COUNT(" in s]
    assert len([s for s in seen if s.startswith("INSERT")]) == 1
    assert len(stored(tmp_path / "trackers.db")) == 3 + 3 * 5


def test_other_tracker_falls_back_to_count(domain: Domain, tmp_path: Path) -> None:
    """A tracker this store did not just read (``PUT /tracker/events``, or a second save
    of the same object) is compared with the database, as Rasa does."""
    store = CheckedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    run(converse(store, domain, turns=2, restart_at=-1))
    retrieved = run(store.retrieve(SENDER))
    rebuilt = DialogueStateTracker.from_dict(SENDER, [e.as_dict() for e in retrieved.events], domain.slots)
    for event in turn_events(2):
        rebuilt.update(event)
    seen = statements(store)
    run(store.save(rebuilt))
    assert [s for s in seen if "COUNT(" in s]
    assert len(stored(tmp_path / "trackers.db")) == 3 + 3 * 5
    # Saved twice: the second save finds nothing new.
    run(store.save(rebuilt))
    assert len(stored(tmp_path / "trackers.db")) == 3 + 3 * 5
    # Another instance wrote in between: the old object is not trusted.
    other = CheckedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    mine = run(store.retrieve(SENDER))
    theirs = run(other.retrieve(SENDER))
    theirs.update(UserUttered("ailleurs", {"name": "inform"}, timestamp=200.0))
    run(other.save(theirs))
    run(store.save(DialogueStateTracker.from_dict(SENDER, [e.as_dict() for e in mine.events], domain.slots)))
    assert len(stored(tmp_path / "trackers.db")) == 3 + 3 * 5 + 1
