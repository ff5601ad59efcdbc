#!/usr/bin/env python3
"""What Rasa's SQL tracker store spends per message (a script, not a test).

Replays a real conversation of the assistant (its events, read from the ``trackers.db``
that benchmarks/bench_load.py leaves in its work folder, or from ``--events`` JSON) turn
by turn, as ``rasa run`` does for each message: ``retrieve`` the conversation, then
``save`` the tracker with the turn's new events. Prints the CPU (``time.process_time``)
per message of each step on SQLite, the number of SQL statements per message, and the
same with two experiments below: ``BulkSQLTrackerStore`` inserts a turn's events with
one ``executemany`` on the events table (SQLAlchemy Core) instead of one ORM object per
event; ``RememberingSQLTrackerStore`` also skips the COUNT query that ``save`` runs to
find which events are new; and the assistant's own store,
``stores.sql_tracker_store.CheckedSQLTrackerStore``, which does both and reads with a
prebuilt statement.

    .venv/bin/python benchmarks/bench_tracker_store.py --db /tmp/proa-bench-XXXX/trackers.db
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]


def conversation_events(db: Path, prefix: str) -> list[dict[str, Any]]:
    """Events of the longest conversation whose sender starts with ``prefix``."""
    with sqlite3.connect(db) as connection:
        sender = connection.execute(
            "SELECT sender_id FROM events WHERE sender_id LIKE ? GROUP BY sender_id ORDER BY COUNT(*) DESC LIMIT 1",
            (prefix + "%",),
        ).fetchone()[0]
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [json.loads(data) for (data,) in rows]


def turns(events: list[dict[str, Any]]) -> list[int]:
    """End index (exclusive) of each turn: a turn ends before the next user event."""
    starts = [i for i, e in enumerate(events) if e.get("event") == "user"]
    return [nxt for nxt in starts[1:]] + [len(events)]


def bulk_store_classes():
    from rasa.core.tracker_store import SQLTrackerStore

    from stores.sql_tracker_store import event_row

    class BulkSQLTrackerStore(SQLTrackerStore):
        """SQLTrackerStore whose ``save`` inserts the new events with one executemany."""

        async def save(self, tracker) -> None:
            await self.stream_events(tracker)
            with self.session_scope() as session:
                rows = [event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()

    class RememberingSQLTrackerStore(BulkSQLTrackerStore):
        """BulkSQLTrackerStore that also skips the COUNT query of ``save``: ``retrieve``
        remembers how many events of the session are stored (Rasa retrieves, then saves,
        each message under the conversation's lock), ``save`` falls back to the query
        when it does not know."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._stored: dict[str, int] = {}

        async def _retrieve(self, sender_id, fetch_events_from_all_sessions):
            tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
            if not fetch_events_from_all_sessions:
                self._stored[sender_id] = len(tracker.events) if tracker is not None else 0
            return tracker

        def _additional_events(self, session, tracker):
            known = self._stored.pop(tracker.sender_id, None)
            if known is None:
                return super()._additional_events(session, tracker)
            return itertools.islice(tracker.events, known, len(tracker.events))

    return BulkSQLTrackerStore, RememberingSQLTrackerStore


async def replay(store_class, domain, events: list[dict[str, Any]], conversations: int) -> dict[str, float]:
    import sqlalchemy as sa
    from rasa.shared.core.trackers import DialogueStateTracker

    folder = Path(tempfile.mkdtemp(prefix="proa-bench-store-"))
    store = store_class(domain=domain, dialect="sqlite", db=str(folder / "trackers.db"))
    statements = [0]
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    from rasa.shared.core.events import deserialise_events

    ends = turns(events)
    retrieve_cpu = save_cpu = 0.0
    messages = 0
    for number in range(conversations):
        sender = f"replay-{number}"
        previous_end = 0
        for end in ends:
            started = time.process_time()
            tracker = await store.retrieve(sender)
            retrieve_cpu += time.process_time() - started
            # As `rasa run` does: the retrieved tracker object gets the turn's events.
            if tracker is None:
                tracker = DialogueStateTracker(sender, domain.slots)
            for event in deserialise_events(events[previous_end:end]):
                tracker.update(event)
            previous_end = end
            started = time.process_time()
            await store.save(tracker)
            save_cpu += time.process_time() - started
            messages += 1
    return {
        "messages": messages,
        "retrieve_ms": 1000 * retrieve_cpu / messages,
        "save_ms": 1000 * save_cpu / messages,
        "statements_per_msg": statements[0] / messages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a trackers.db left by bench_load.py")
    parser.add_argument("--events", type=Path, help="or a JSON list of events")
    parser.add_argument("--prefix", default="bench-seq-assistant", help="senders to pick the conversation from")
    parser.add_argument("--conversations", type=int, default=30)
    args = parser.parse_args(argv)
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    if args.events:
        events = json.loads(args.events.read_text(encoding="utf-8"))
    elif args.db:
        events = conversation_events(args.db, args.prefix)
    else:
        parser.error("give --db or --events")
    domain = Domain.load(str(REPO / "domain.yml"))
    print(f"conversation of {len(events)} events, {len(turns(events))} messages, replayed {args.conversations} times")
    from stores.sql_tracker_store import CheckedSQLTrackerStore

    bulk, remembering = bulk_store_classes()
    for name, store_class in (
        ("SQLTrackerStore (Rasa)", SQLTrackerStore),
        ("BulkSQLTrackerStore (experiment)", bulk),
        ("RememberingSQLTrackerStore (experiment)", remembering),
        ("CheckedSQLTrackerStore (assistant)", CheckedSQLTrackerStore),
    ):
        asyncio.run(replay(store_class, domain, events, 2))  # warm-up: SQLAlchemy compiles and caches
        r = asyncio.run(replay(store_class, domain, events, args.conversations))
        print(
            f"{name}: retrieve {r['retrieve_ms']:.2f} ms + save {r['save_ms']:.2f} ms CPU per message, "
            f"{r['statements_per_msg']:.1f} SQL statements per message"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
