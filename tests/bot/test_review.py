"""``bot review`` on a tiny SQLite tracker store built here (Rasa's ``events`` table)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from bot import wording
from bot.cli import main
from bot.review import ReviewError, anonymise, parse_moment, review

NOW = time.time()


def _answer(verdict: str, line: str, topic: str = "rules", rules: tuple[str, ...] = (), score: float = 0.6) -> dict:
    reading = {"regime": "proa_ongoing", "scheme": "proa", "past": False, "scores": dict.fromkeys(rules, score)}
    return {
        "type": "proa_answer",
        "verdict": verdict,
        "verdict_line": line,
        "topic": topic,
        "understood": {"topic": topic, "rules": list(rules), "reading": reading if rules else None},
    }


class Store:
    """Collects conversations the way Rasa's SQLTrackerStore stores them."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, sender: str, type_name: str, when: float, data: dict[str, Any], intent=None, action=None) -> None:
        data = {"event": type_name, "timestamp": when, **data}
        self.rows.append(
            {
                "id": len(self.rows) + 1,
                "sender_id": sender,
                "type_name": type_name,
                "timestamp": when,
                "intent_name": intent,
                "action_name": action,
                "data": json.dumps(data, ensure_ascii=False),
            }
        )

    def user(self, sender: str, when: float, text: str, intent: str, confidence: float = 0.99, **extra: Any) -> None:
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": extra.pop("entities", [])}
        self.add(sender, "user", when, {"text": text, "parse_data": parse, "input_channel": "rest"}, intent=intent)

    def bot(self, sender: str, when: float, text: str, custom: dict | None = None, utter: str | None = None) -> None:
        data = {"text": text, "data": {"custom": custom} if custom else {}, "metadata": {"utter_action": utter}}
        self.add(sender, "bot", when, data)

    def action(self, sender: str, when: float, name: str) -> None:
        self.add(sender, "action", when, {"name": name}, action=name)

    def write(self, url: Any) -> None:
        engine = sa.create_engine(url)
        metadata = sa.MetaData()
        events = sa.Table(
            "events",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255), nullable=False, index=True),
            sa.Column("type_name", sa.String(255), nullable=False),
            sa.Column("timestamp", sa.Float),
            sa.Column("intent_name", sa.String(255)),
            sa.Column("action_name", sa.String(255)),
            sa.Column("data", sa.Text),
        )
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(events.insert(), self.rows)
        engine.dispose()


def _conversations() -> Store:
    store = Store()
    t = NOW - 3600
    # Answered well: not listed.
    store.user("alice@example.org", t, "combien de temps dure la pro-a ?", "faq")
    store.action("alice@example.org", t + 0.1, "action_listen")
    store.bot(
        "alice@example.org",
        t + 0.1,
        "De 6 à 12 mois.",
        _answer("info", "De 6 à 12 mois.", "faq:duration", ("idcc2378.duration",)),
    )
    # Fallback, with an e-mail address and a phone number in the message.
    store.user("bob", t + 10, "écrivez-moi à jean.dupont@mail.fr ou au 06 12 34 56 78", "nlu_fallback", 0.2)
    store.action("bob", t + 10.1, "action_two_stage_fallback")
    store.bot("bob", t + 10.2, "Pouvez-vous reformuler ?", utter="utter_ask_rephrase")
    # The same question twice (grouped), a question back.
    for i, text in enumerate(("qui finance ma formation en 2025 ?", "qui finance ma formation en 2026 ?")):
        store.user(f"carol{i}", t + 20 + i, text, "faq", 0.95)
        answer = _answer("needs_information", "De quoi parlez-vous ?", rules=("law.proa.funding",))
        store.bot(f"carol{i}", t + 20.1 + i, "De quoi parlez-vous ?", answer)
    # A refused job.
    store.user("dave", t + 30, "je suis astronaute, puis-je faire une pro-a ?", "ask_eligibility")
    line = "Ce métier ne figure pas dans la liste de la branche Travail temporaire."
    store.bot("dave", t + 30.1, "…", _answer("info", line, "eligibility"))
    # A « Non » verdict, then a « Non » as feedback on it.
    store.user("erin", t + 40, "je suis cariste en contrat de mission, la pro-a c'est possible ?", "ask_eligibility")
    line = "Non, votre situation ne permet pas une Pro-A."
    store.bot("erin", t + 40.1, "Non, …", _answer("not_eligible", line, "eligibility"))
    store.user("erin", t + 41, '/feedback{"value": "no"}', "feedback", entities=[{"entity": "value", "value": "no"}])
    # A good answer, another one, then « Non » on the first (its buttons name it), a
    # comment with an e-mail address in it, and the comment's own turn (answered).
    good = _answer("info", "De 6 à 12 mois.", "faq:duration", ("idcc2378.duration",))
    store.user("ivan", t + 70, "combien de mois dure la formation ?", "faq")
    store.add(
        "ivan",
        "bot",
        t + 70.1,
        {"text": "…", "data": {"custom": good}, "metadata": {"proa_answer": {**good, "id": "a1b2c3d4e5f6"}}},
    )
    store.user("ivan", t + 71, "et le salaire ?", "faq")
    pay = _answer("info", "Votre salaire est maintenu.", "faq:pay", ("idcc2378.pay",))
    store.add(
        "ivan",
        "bot",
        t + 71.1,
        {"text": "…", "data": {"custom": pay}, "metadata": {"proa_answer": {**pay, "id": "0a0b0c0d0e0f"}}},
    )
    click = [{"entity": "helpful", "value": "no"}, {"entity": "answer_id", "value": "a1b2c3d4e5f6"}]
    store.user("ivan", t + 72, '/feedback{"helpful": "no", "answer_id": "a1b2c3d4e5f6"}', "feedback", entities=click)
    record = {"kind": "click", "value": "no", "answer_id": "a1b2c3d4e5f6", "comment_asked": True}
    store.add(
        "ivan",
        "bot",
        t + 72.1,
        {"text": "Merci…", "metadata": {"utter_action": "utter_feedback_no", "proa_feedback": record}},
    )
    store.user("ivan", t + 73, "la durée pour un CDD, écrivez à ivan@example.org", "faq")
    comment = {**record, "kind": "comment", "comment": "la durée pour un CDD, écrivez à ivan@example.org"}
    del comment["comment_asked"]
    store.add("ivan", "bot", t + 73.05, {"text": "Merci, c'est noté.", "metadata": {"proa_feedback": comment}})
    store.add(
        "ivan",
        "bot",
        t + 73.1,
        {"text": "…", "data": {"custom": good}, "metadata": {"proa_answer": {**good, "id": "1a1b1c1d1e1f"}}},
    )
    # A low-confidence reading (answered).
    store.user("fred", t + 50, "et pour le truc du tuteur là", "faq", 0.55)
    answer = _answer("info", "Un tuteur vous accompagne.", "faq:tutor", ("idcc2378.tutor",), 0.1)
    store.bot("fred", t + 50.1, "Un tuteur…", answer)
    # Slack: the message is Block Kit; what the answer was is in the event's metadata.
    store.user("hugo", t + 60, "quel est le plafond horaire en slack ?", "faq")
    data = {
        "text": "…",
        "data": {"custom": {"blocks": [{"type": "section"}]}},
        "metadata": {"proa_answer": _answer("needs_information", "De quoi parlez-vous ?", rules=("law.proa.ceiling",))},
    }
    store.add("hugo", "bot", t + 60.1, data)
    # Out of the period.
    store.user("gina", NOW - 40 * 86400, "vieille question pas comprise", "nlu_fallback", 0.1)
    return store


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """``PROA_POSTGRES_URL`` if set, else a PostgreSQL started for this module."""
    if os.environ.get("PROA_POSTGRES_URL"):
        yield os.environ["PROA_POSTGRES_URL"]
        return
    from tests.e2e.stack import Services

    services = Services.for_tests()
    yield services.postgres_url
    services.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def store_path(request, tmp_path: Path) -> Iterator[str]:
    """The store's URL (a plain path for SQLite, as ``--db-url`` takes it)."""
    if request.param == "sqlite":
        path = tmp_path / "trackers.db"
        _conversations().write(f"sqlite:///{path}")
        yield str(path)
        return
    # A schema of its own, so that the test never touches other tables.
    base = request.getfixturevalue("postgres_url")
    schema = f"review_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        _conversations().write(url)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _run(capsys, store_path: str, *args: str) -> str:
    assert main(["review", "--db-url", store_path, *args]) == 0
    return capsys.readouterr().out


def test_anonymise_masks_emails_phones_and_digits():
    email, phone = wording.text("review", "masks.email"), wording.text("review", "masks.phone")
    assert anonymise("jean.dupont@mail.fr") == email
    assert anonymise("appelez le 06 12 34 56 78 ou +33 6 12 34 56 78") == f"appelez le {phone} ou {phone}"
    assert anonymise("j'ai 23 ans, bac en 2019") == "j'ai ## ans, bac en ####"


def test_parse_moment():
    now = parse_moment("2026-12-07T12:00:00", datetime.now(timezone.utc))
    assert now.tzinfo is not None
    assert parse_moment("7d", now).isoformat().startswith("2026-11-30T12:00")
    assert parse_moment("12h", now).hour == 0
    with pytest.raises(ReviewError, match="7d"):
        parse_moment("la semaine dernière", now)


def test_yaml_lists_each_outcome_anonymised_and_grouped(capsys, store_path):
    entries = yaml.safe_load(_run(capsys, store_path, "--since", "7d", "--format", "yaml"))
    by_message = {e["message"]: e for e in entries}
    assert "combien de temps dure la pro-a ?" not in by_message
    assert "vieille question pas comprise" not in by_message
    fallback = by_message["écrivez-moi à [e-mail] ou au [téléphone]"]
    assert fallback["outcomes"] == {"fallback": 1, "low_confidence": 1}
    funding = by_message["qui finance ma formation en #### ?"]
    assert funding["count"] == 2 and funding["outcomes"] == {"asked_back": 2}
    assert funding["rules"] == ["law.proa.funding"] and funding["reading"] == "regime=proa_ongoing scheme=proa"
    assert funding["asks"] == ["qui finance ma formation en #### ?"]
    assert funding["examples"] == "- qui finance ma formation en #### ?\n"
    assert by_message["je suis astronaute, puis-je faire une pro-a ?"]["outcomes"] == {"refused": 1}
    assert by_message["je suis cariste en contrat de mission, la pro-a c'est possible ?"]["outcomes"] == {
        "feedback_no": 1,
        "no": 1,
    }
    assert by_message["et pour le truc du tuteur là"]["outcomes"] == {"low_confidence": 1}
    assert not any(m.startswith("/") for m in by_message)
    slack = by_message["quel est le plafond horaire en slack ?"]
    assert slack["outcomes"] == {"asked_back": 1} and slack["rules"] == ["law.proa.ceiling"]
    # « Non » on an earlier answer marks that answer's question, with the comment (masked).
    duration = by_message["combien de mois dure la formation ?"]
    assert duration["outcomes"] == {"feedback_no": 1} and duration["rules"] == ["idcc2378.duration"]
    assert duration["comments"] == ["la durée pour un CDD, écrivez à [e-mail]"]
    assert "et le salaire ?" not in by_message
    assert "la durée pour un CDD, écrivez à [e-mail]" not in by_message  # answered well
    # Newest first.
    assert entries[0]["message"] == "combien de mois dure la formation ?"


def test_nothing_personal_in_any_format(capsys, store_path):
    for fmt in ("table", "csv", "yaml"):
        out = _run(capsys, store_path, "--since", "7d", "--format", fmt)
        for secret in ("alice", "bob", "carol", "ivan", "dupont", "06 12", "2025", "2026 ?"):
            assert secret not in out, (fmt, secret)


def test_counts_per_day(store_path):
    now = datetime.now(timezone.utc)
    result = review(store_path, parse_moment("7d", now), now)
    assert sum(day["messages"] for day in result.per_day.values()) == result.turns == 11
    assert sum(day["to_review"] for day in result.per_day.values()) == result.messages == 8
    assert sum(day["feedback_no"] for day in result.per_day.values()) == 2
    assert list(result.per_day) == sorted(result.per_day)
    rest_only = review(store_path, parse_moment("7d", now), now, channel="slack")
    assert rest_only.turns == 0 and rest_only.per_day == {}


def test_csv_and_outcome_filter(capsys, store_path):
    rows = list(csv.DictReader(io.StringIO(_run(capsys, store_path, "--format", "csv", "--outcome", "refused"))))
    assert [r["message"] for r in rows] == ["je suis astronaute, puis-je faire une pro-a ?"]
    assert rows[0]["count"] == "1" and rows[0]["channels"] == "rest"


def test_table_and_period(capsys, store_path):
    out = _run(capsys, store_path, "--since", "60d", "--until", "30d")
    assert "vieille question pas comprise" in out and "astronaute" not in out
    summary = wording.text("review", "summary", messages=1, turns=1, groups=1, since="SINCE", until="UNTIL")
    line = re.escape(summary).replace("SINCE", r"[\d: -]+").replace("UNTIL", r"[\d: -]+")
    line += " ; " + re.escape(wording.text("review", "anonymised_terminal"))
    assert re.fullmatch(line, out.splitlines()[0]), out.splitlines()[0]


def test_missing_database_is_a_clear_error(capsys, tmp_path):
    assert main(["review", "--db-url", str(tmp_path / "absent.db")]) == 2
    assert "database not found" in capsys.readouterr().err


def test_endpoints_file_gives_the_store(capsys, tmp_path):
    _conversations().write(f"sqlite:///{tmp_path / 'trackers.db'}")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: stores.sql_tracker_store.CheckedSQLTrackerStore\n  dialect: sqlite\n  db: trackers.db\n",
        encoding="utf-8",
    )
    assert main(["review", "--endpoints", str(endpoints), "--format", "csv"]) == 0
    assert "astronaute" in capsys.readouterr().out
