"""Issue 14, finding 5 on PostgreSQL: the database stops while the assistant runs.

``stores.sql_tracker_store.CheckedSQLTrackerStore`` (the tracker store of
endpoints.scale.yml) on the PostgreSQL of scripts/start_services.sh: with the server
stopped, ``retrieve`` and ``save`` report the failure (log without sender id, no
exception for Rasa's fail-safe wrapper to hide in memory) and nothing is written over
the conversation; once PostgreSQL is back the conversation goes on where it was.
The busy answer for such a failure: tests/channels/test_guarded.py.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.sql_tracker_store import CheckedSQLTrackerStore
from tests.e2e.stack import REPO, Services

pytestmark = pytest.mark.e2e

SENDER = "pg-sender-0612345678"


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def pg_ctl(services: Services, command: str) -> None:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(pg_bin / "pg_ctl"),
            "-D",
            str(services.directory / "pg"),
            "-m",
            "fast",
            "-w",
            command,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_postgresql_unavailable(caplog):
    assert yaml.safe_load((REPO / "endpoints.scale.yml").read_text())["tracker_store"]["type"] == (
        "stores.sql_tracker_store.CheckedSQLTrackerStore"
    )
    services = Services.for_tests()
    try:
        domain = Domain.load(str(REPO / "domain.yml"))
        settings = services.settings
        store = CheckedSQLTrackerStore(
            domain=domain,
            dialect="postgresql",
            host=settings["DB_HOST"],
            port=int(settings["DB_PORT"]),
            db=settings["DB_NAME"],
            username=settings["DB_USER"],
            password=settings["DB_PASSWORD"],
        )
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
        run(store.save(tracker))

        pg_ctl(services, "stop")
        with caplog.at_level(logging.INFO):
            assert run(store.retrieve(SENDER)) is None
            fresh = DialogueStateTracker.from_events(SENDER, [ActionExecuted("action_listen")], domain.slots)
            run(store.save(fresh))  # skipped: the stored conversation was not read
            later = DialogueStateTracker.from_events(f"{SENDER}-2", [ActionExecuted("action_listen")], domain.slots)
            run(store.save(later))  # fails, reported, no exception
        messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Tracker store failure")]
        assert messages[0] == "Tracker store failure (retrieve): OperationalError"
        assert "Tracker store failure (save): OperationalError" in messages
        assert "0612345678" not in caplog.text

        services.start()  # same folder and ports: starts PostgreSQL again
        store.engine.dispose()
        back = run(store.retrieve(SENDER))
        assert back is not None and back.get_slot("metier") == "cariste"
        assert [e.type_name for e in back.events] == [e.type_name for e in tracker.events]
    finally:
        services.stop()
