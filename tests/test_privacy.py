"""Privacy: retention of the SQL tracker store (scripts/purge_conversations.py).

The log test (a running assistant) is tests/e2e/test_privacy_logs.py.

The purge tests build an ``events`` table exactly like Rasa's ``SQLTrackerStore`` (its
own SQLAlchemy model) on SQLite, and on PostgreSQL when ``PROA_POSTGRES_URL`` is set
(``eval "$(scripts/start_services.sh)"``), else on one started for the module with
scripts/start_services.sh (marked ``services``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

from scripts import purge_conversations as purge_script
from tests.e2e.stack import Services

REPO = Path(__file__).resolve().parents[1]
DAY = 86400.0
NOW = 1_800_000_000.0


def _event(sender: str, type_name: str, timestamp: float, **data) -> dict:
    return {
        "sender_id": sender,
        "type_name": type_name,
        "timestamp": timestamp,
        "intent_name": None,
        "action_name": data.get("name"),
        "data": json.dumps({"event": type_name, "timestamp": timestamp, **data}),
    }


def _session(sender: str, start: float, text: str) -> list[dict]:
    """One session as Rasa stores it: session start, a user message, an answer."""
    return [
        _event(sender, "action", start - 0.001, name="action_session_start"),
        _event(sender, "session_started", start),
        _event(sender, "action", start + 0.001, name="action_listen"),
        _event(sender, "user", start + 1, text=text),
        _event(sender, "bot", start + 2, text="Réponse."),
    ]


def _fill(engine: sa.engine.Engine) -> None:
    SQLTrackerStore.Base.metadata.create_all(engine)  # Rasa's own table definition
    rows = (
        _session("old", NOW - 40 * DAY, "ancienne question")  # expired conversation
        + _session("recent", NOW - 2 * DAY, "question récente")  # kept
        # a conversation in use whose first session is expired
        + _session("mixed", NOW - 35 * DAY, "vieille session")
        + _session("mixed", NOW - 1 * DAY, "session en cours")
        # a current session that started long ago is kept whole
        + _session("long", NOW - 31 * DAY, "début")
        + [_event("long", "user", NOW - 1 * DAY, text="suite")]
    )
    with engine.begin() as connection:
        connection.execute(SQLTrackerStore.SQLEvent.__table__.insert(), rows)


def _texts(engine: sa.engine.Engine, sender: str) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).all()
    return [json.loads(data).get("text") for (data,) in rows if json.loads(data).get("text")]


def _senders(engine: sa.engine.Engine) -> set:
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """``PROA_POSTGRES_URL`` if set, else a PostgreSQL started for this module."""
    if os.environ.get("PROA_POSTGRES_URL"):
        yield os.environ["PROA_POSTGRES_URL"]
        return
    services = Services.for_tests()
    yield services.postgres_url
    services.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def engine(request, tmp_path) -> Iterator[sa.engine.Engine]:
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'trackers.db'}")
        _fill(engine)
        yield engine
        engine.dispose()
        return
    # A schema of its own, so that the test never touches other tables.
    url = request.getfixturevalue("postgres_url")
    schema = f"purge_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        _fill(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_retention_deletes_expired_conversations_and_sessions(engine):
    counts = purge_script.purge(engine, days=30, now=NOW)

    assert _senders(engine) == {"recent", "mixed", "long"}
    assert _texts(engine, "recent") == ["question récente", "Réponse."]
    assert _texts(engine, "mixed") == ["session en cours", "Réponse."]
    assert _texts(engine, "long") == ["début", "Réponse.", "suite"]
    assert counts == {"conversations": 1, "events": 11}


def test_dry_run_counts_without_deleting(engine):
    before = _senders(engine)
    counts = purge_script.purge(engine, days=30, now=NOW, dry_run=True)
    assert counts == {"conversations": 1, "events": 11}
    assert _senders(engine) == before


def test_sender_deletes_one_whole_conversation(engine):
    counts = purge_script.purge(engine, sender="mixed")
    assert counts == {"conversations": 1, "events": 10}
    assert _senders(engine) == {"old", "recent", "long"}
    assert purge_script.purge(engine, sender="nobody") == {"conversations": 0, "events": 0}


def test_retention_days_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("PROA_RETENTION_DAYS", raising=False)
    assert purge_script.retention_days() == 30
    monkeypatch.setenv("PROA_RETENTION_DAYS", "7")
    assert purge_script.retention_days() == 7
    assert purge_script.retention_days(90) == 90
    monkeypatch.setenv("PROA_RETENTION_DAYS", "zero")
    with pytest.raises(purge_script.ConfigError):
        purge_script.retention_days()


def test_url_from_endpoints_like_rasa(tmp_path, monkeypatch):
    sqlite_file = tmp_path / "endpoints.yml"
    sqlite_file.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: proa_trackers.db\n")
    url = purge_script.url_from_endpoints(sqlite_file, base_dir=tmp_path)
    assert url.get_backend_name() == "sqlite" and url.database == str(tmp_path / "proa_trackers.db")

    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DB_PORT", "5433")
    monkeypatch.setenv("DB_USER", "proa")
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    monkeypatch.setenv("DB_NAME", "trackers")
    url = purge_script.url_from_endpoints(REPO / "endpoints.scale.yml")
    assert (url.get_backend_name(), url.host, url.port, url.username, url.password, url.database) == (
        "postgresql",
        "db.internal",
        5433,
        "proa",
        "s3cret",
        "trackers",
    )

    monkeypatch.delenv("DB_PASSWORD")
    with pytest.raises(purge_script.ConfigError, match="DB_PASSWORD"):
        purge_script.url_from_endpoints(REPO / "endpoints.scale.yml")


def test_command_line_on_a_sqlite_file(tmp_path):
    db = tmp_path / "trackers.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    _fill(engine)
    engine.dispose()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(REPO / "scripts/purge_conversations.py"), "--endpoints", str(endpoints), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )

    # The fixture's events are dated around NOW (2027): with 30 days nothing is old
    # enough today, so use --sender, then a 1-day retention measured from now.
    result = run("--sender", "old")
    assert result.returncode == 0, result.stderr
    assert "1 conversation(s), 5 événement(s) supprimés" in result.stdout
    result = run("--days", "1", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "à supprimer" in result.stdout

    missing = run("--db-url", f"sqlite:///{tmp_path / 'absent.db'}")
    assert missing.returncode == 2 and "introuvable" in missing.stderr


# --- feedback (issue 22) ---------------------------------------------------------------------

COMMENT = "il manquait le cas d'un CDD, rappelez-moi au 06 12 34 56 78"


def _feedback_session(start: float) -> list:
    """A session with an answer, a « Non » click, its record and the comment typed after
    it, as the assistant stores them (bot/feedback.py, channels/feedback_comment.py)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    from bot import feedback

    answer = {"type": "proa_answer", "id": "0123456789ab", "topic": "faq:duration", "understood": {"rules": ["r"]}}
    click = feedback.click_record("no", answer)
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("combien de temps dure la pro-a ?", {"name": "faq", "confidence": 1.0}),
        BotUttered("De 6 à 12 mois.", metadata={"proa_answer": answer}),
        ActionExecuted("action_listen"),
        UserUttered(feedback.command("no", "0123456789ab"), {"name": "feedback", "confidence": 1.0}),
        BotUttered("Qu'est-ce qui manquait ?", metadata={"proa_feedback": {**click, "comment_asked": True}}),
        ActionExecuted("action_listen"),
        UserUttered(COMMENT, {"name": "inform", "confidence": 0.9}),
        BotUttered("Merci, c'est noté.", metadata={"proa_feedback": feedback.comment_record(click, COMMENT)}),
    ]
    for offset, event in enumerate(events):
        event.timestamp = start + offset
    return events


def _stored_feedback(engine: sa.engine.Engine, sender: str) -> list[str]:
    """The stored events of ``sender`` that hold a feedback record or the comment."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).all()
    return [data for (data,) in rows if "proa_feedback" in data or "rappelez-moi" in data or "/feedback" in data]


def test_retention_and_erasure_cover_the_feedback_and_its_comment(tmp_path):
    """Rasa's own SQLTrackerStore writes the feedback of an old session; a new session
    starts (Rasa copies the slots into it: the feedback is no slot, so it is not copied);
    retention then removes the old session's feedback and comment, and erasure the rest."""
    import asyncio
    from datetime import datetime, timezone

    from rasa.core.actions.action import ActionSessionStart
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.review import review

    domain = Domain.load(str(REPO / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    sender = "marie.dupont@example.org"
    tracker = DialogueStateTracker.from_events(sender, _feedback_session(NOW - 40 * DAY), domain.slots)
    asyncio.run(store.save(tracker))
    # As Rasa does: the stored conversation, then a new session started on it.
    tracker = asyncio.run(store.retrieve(sender))
    new_session = asyncio.run(ActionSessionStart().run(None, None, tracker, domain))
    for event in new_session:
        event.timestamp = NOW - DAY
    tracker.update_with_events(new_session, domain, override_timestamp=False)
    asyncio.run(store.save(tracker))
    engine = store.engine
    assert len(_stored_feedback(engine, sender)) == 4  # the click, its record, the comment, its record
    period = (datetime.fromtimestamp(NOW - 41 * DAY, timezone.utc), datetime.fromtimestamp(NOW, timezone.utc))
    old = review(engine.url, *period)
    assert old.groups and old.groups[0].comments == ["il manquait le cas d'un CDD, rappelez-moi au [téléphone]"]

    purge_script.purge(engine, days=30, now=NOW)
    assert _stored_feedback(engine, sender) == []
    assert _senders(engine) == {sender}  # the conversation goes on (its current session)

    # A later feedback, then erasure of the person.
    tracker = asyncio.run(store.retrieve(sender))
    tracker.update_with_events(_feedback_session(NOW - DAY / 2)[3:], domain, override_timestamp=False)
    asyncio.run(store.save(tracker))
    assert len(_stored_feedback(engine, sender)) == 4
    assert purge_script.purge(engine, sender=sender)["conversations"] == 1
    assert _senders(engine) == set()
