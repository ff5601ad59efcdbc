"""``bot review``: the questions that failed, read from the tracker store (issue 22).

For a period, the user messages whose turn ended in a fallback, a question back, a refusal
(job not in the list), a low-confidence reading, a « Non » verdict line or a « Non » given
as feedback (:mod:`bot.outcomes`), grouped by similarity (rapidfuzz), with counts, the
reading taken, the rules used and the comments typed after « Non », newest first; and
the counts per day (the review page of ``web/serve.py`` shows them).

A « Non » is the click's ``/feedback`` user event and the ``proa_feedback`` record of
``action_feedback``'s reply (:mod:`bot.feedback`); both name the answer they are about
(``answer_id``, the ``id`` of its ``proa_answer`` record), else the question before.

The store is the ``events`` table of Rasa's ``SQLTrackerStore`` (SQLite by default,
PostgreSQL with ``endpoints.scale.yml``), read with SQLAlchemy; only the columns and
events needed are read. Nothing personal comes out: no sender id, and the messages are
masked (e-mail addresses, phone numbers, then every digit) before they are grouped.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rapidfuzz import fuzz, process

from bot.feedback import ANSWER_ID_ENTITY, CLICK, COMMENT, FEEDBACK_INTENT, FEEDBACK_METADATA, HELPFUL_ENTITY, NO
from bot.outcomes import (
    ANSWER_METADATA,
    FALLBACK,
    FALLBACK_ACTIONS,
    FALLBACK_INTENTS,
    FEEDBACK_NO,
    LOW_CONFIDENCE,
    REVIEW_OUTCOMES,
    VERDICT_NO,
    best_rule_score,
    is_verdict_no,
    payload_outcome,
    response_outcome,
)
from bot.tracker_db import expand_env, store_url

#: An intent below this confidence is a low-confidence reading.
MIN_INTENT_CONFIDENCE = 0.6
#: A best rule score (``understood.reading.scores``) below this is a low-confidence reading
#: (about the 5th percentile of the answers stored in December 2026).
MIN_RULE_SCORE = 0.2
#: Two masked messages at least this similar (rapidfuzz ``token_set_ratio``, 0–100) group.
GROUP_SIMILARITY = 85.0

SQL_STORE_TYPES = {"sql", "sqltrackerstore", "stores.sql_tracker_store.checkedsqltrackerstore"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French and international numbers: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0612345678.
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?\d(?:[\s.\-/]?\(?\d\)?){7,14}(?!\w)")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_DURATION = re.compile(r"^\s*(\d+)\s*([hdwj])\s*$", re.IGNORECASE)


class ReviewError(Exception):
    """Bad arguments or a store that cannot be read (the message says which)."""


def anonymise(text: str) -> str:
    """The message with e-mail addresses, phone numbers and digits masked."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _PHONE.sub("[téléphone]", text)
    text = _DIGIT.sub("#", text)
    return _SPACES.sub(" ", text).strip()


# -- the period -------------------------------------------------------------------------------


def parse_moment(text: str, now: datetime) -> datetime:
    """``7d``, ``12h``, ``2w`` (``j`` for jours) before ``now``, or an ISO date or date-time (UTC)."""
    match = _DURATION.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        hours = {"h": 1, "d": 24, "j": 24, "w": 24 * 7}[unit]
        return now - timedelta(hours=amount * hours)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReviewError(f"période attendue comme 7d, 12h, 2w ou AAAA-MM-JJ : {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- the store --------------------------------------------------------------------------------


def url_from_endpoints(path: Path) -> Any:
    """The SQLAlchemy URL of the ``tracker_store`` of a Rasa endpoints file (as Rasa builds it)."""
    if not path.is_file():
        raise ReviewError(f"fichier introuvable : {path}")
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store = expand_env(config.get("tracker_store") or {}, ReviewError)
    if str(store.get("type", "")).lower() not in SQL_STORE_TYPES:
        raise ReviewError(f"{path} : le tracker_store n'est pas une base SQL")
    return store_url(store, path.resolve().parent)


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's ``events`` table."""

    sender: str
    type_name: str
    timestamp: float
    intent: str | None
    action: str | None
    data: Mapping[str, Any]


def read_events(url: Any, since: float, until: float) -> Iterator[StoredEvent]:
    """The events of the period a review needs, per conversation, in order."""
    if isinstance(url, str) and "://" not in url:
        url = sa.engine.URL.create("sqlite", database=url)
    url = sa.engine.make_url(url)
    database = url.database or ""
    if url.drivername.startswith("sqlite") and database not in ("", ":memory:") and not Path(database).is_file():
        raise ReviewError(f"base introuvable : {database}")
    engine = sa.create_engine(url)
    events = sa.table(
        "events",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("intent_name"),
        sa.column("action_name"),
        sa.column("data"),
    )
    c = events.c
    query = (
        sa.select(c.sender_id, c.type_name, c.timestamp, c.intent_name, c.action_name, c.data)
        .where(c.timestamp >= since, c.timestamp < until)
        .where(
            sa.or_(
                c.type_name.in_(("user", "bot")),
                sa.and_(c.type_name == "action", c.action_name.in_(sorted(FALLBACK_ACTIONS))),
            )
        )
        .order_by(c.sender_id, c.id)
    )
    try:
        with engine.connect() as connection:
            for row in connection.execution_options(stream_results=True).execute(query):
                try:
                    data = json.loads(row.data or "{}")
                except ValueError:
                    data = {}
                yield StoredEvent(
                    row.sender_id, row.type_name, float(row.timestamp or 0.0), row.intent_name, row.action_name, data
                )
    except sa.exc.SQLAlchemyError as error:
        raise ReviewError(f"lecture du tracker store impossible : {type(error).__name__}") from None
    finally:
        engine.dispose()


# -- turns ------------------------------------------------------------------------------------


@dataclass
class Turn:
    """One user message and what the assistant did with it."""

    timestamp: float
    text: str
    channel: str | None
    intent: str | None
    confidence: float | None
    outcomes: set[str] = field(default_factory=set)
    topic: str | None = None
    rules: tuple[str, ...] = ()
    reading: str = ""
    best_score: float | None = None
    #: A feedback click (never listed itself; its « Non » marks the answer it is about).
    feedback: str | None = None
    #: The ``id`` of the answer's record (the feedback buttons name it).
    answer_id: str | None = None
    #: The comments typed after a « Non » on this turn's answer.
    comments: list[str] = field(default_factory=list)


def _intent_label(parse: Mapping[str, Any]) -> tuple[str | None, float | None]:
    intent = parse.get("intent") or {}
    name = intent.get("full_retrieval_intent_name") or intent.get("name")
    confidence = intent.get("confidence")
    return name, float(confidence) if isinstance(confidence, int | float) else None


def _reading_label(reading: Mapping[str, Any] | None) -> str:
    """The reading taken, in a few words (regime, scheme, past, the dates read)."""
    if not reading:
        return ""
    words = [f"{key}={reading[key]}" for key in ("regime", "scheme") if reading.get(key)]
    if reading.get("past"):
        words.append("passé")
    words += [
        f"{key}={reading[key]}" for key in ("as_of", "avenant_concluded_on", "training_starts_on") if reading.get(key)
    ]
    return " ".join(words)


def _entity(event: StoredEvent, names: tuple[str, ...]) -> str | None:
    parse = event.data.get("parse_data") or {}
    for entity in parse.get("entities") or []:
        if entity.get("entity") in names and entity.get("value"):
            return str(entity["value"])
    return None


def _feedback_value(event: StoredEvent) -> str | None:
    # ``value``: the entity's name before the buttons named the answer (December 2026).
    value = _entity(event, (HELPFUL_ENTITY, "value"))
    if value:
        return value
    match = re.search(r'"(?:helpful|value)"\s*:\s*"(\w+)"', str(event.data.get("text") or ""))
    return match.group(1) if match else None


def _feedback_record(event: StoredEvent) -> Mapping[str, Any] | None:
    record = (event.data.get("metadata") or {}).get(FEEDBACK_METADATA)
    return record if isinstance(record, Mapping) and record.get("kind") in (CLICK, COMMENT) else None


def _add_bot(turn: Turn, event: StoredEvent) -> None:
    custom = (event.data.get("data") or {}).get("custom") or {}
    if not (isinstance(custom, Mapping) and custom.get("type") == "proa_answer"):
        # Slack and Teams messages keep the answer in the event's metadata only.
        custom = (event.data.get("metadata") or {}).get(ANSWER_METADATA) or {}
    if isinstance(custom, Mapping) and custom.get("type") == "proa_answer":
        turn.outcomes.add(payload_outcome(custom))
        if is_verdict_no(custom):
            turn.outcomes.add(VERDICT_NO)
        understood = custom.get("understood") or {}
        turn.topic = str(custom.get("topic") or "") or turn.topic
        turn.rules = tuple(str(r) for r in understood.get("rules") or ()) or turn.rules
        turn.reading = _reading_label(understood.get("reading")) or turn.reading
        turn.best_score = best_rule_score(custom) if turn.best_score is None else turn.best_score
        record = (event.data.get("metadata") or {}).get(ANSWER_METADATA) or {}
        if isinstance(record, Mapping) and record.get("id"):
            turn.answer_id = str(record["id"])
        return
    outcome = response_outcome((event.data.get("metadata") or {}).get("utter_action"))
    if outcome:
        turn.outcomes.add(outcome)


def turns_of(events: Iterable[StoredEvent]) -> Iterator[Turn]:
    """The turns of the events (ordered by conversation, then as stored); a conversation's
    turns come out once it is read whole (a later « Non » marks an earlier turn)."""
    for _, conversation in itertools.groupby(events, key=lambda event: event.sender):
        yield from _conversation_turns(conversation)


def _conversation_turns(events: Iterable[StoredEvent]) -> list[Turn]:
    turns: list[Turn] = []
    turn: Turn | None = None
    question: Turn | None = None  # the latest turn that is not a feedback click
    answered: dict[str, Turn] = {}  # answer id -> its turn

    def about(answer_id: Any) -> Turn | None:
        return answered.get(str(answer_id)) if answer_id else None

    for event in events:
        if event.type_name == "user":
            if turn is not None and turn.feedback is None:
                question = turn
            intent, confidence = _intent_label(event.data.get("parse_data") or {})
            turn = Turn(
                event.timestamp, str(event.data.get("text") or ""), event.data.get("input_channel"), intent, confidence
            )
            turns.append(turn)
            if intent == FEEDBACK_INTENT:
                turn.feedback = _feedback_value(event) or ""
                target = about(_entity(event, (ANSWER_ID_ENTITY,))) or question
                if turn.feedback == NO and target is not None:
                    target.outcomes.add(FEEDBACK_NO)
            elif event.intent in FALLBACK_INTENTS or (intent or "").split("/")[0] in FALLBACK_INTENTS:
                turn.outcomes.add(FALLBACK)
        elif turn is None:
            continue
        elif event.type_name == "bot":
            record = _feedback_record(event)
            if record is None:
                _add_bot(turn, event)
                if turn.answer_id:
                    answered[turn.answer_id] = turn
                continue
            # What action_feedback recorded (a click), or the comment typed after « Non »
            # (the comment's own turn is the message typed, reviewed like any other).
            # Without an answer id: the question before the click.
            target = about(record.get("answer_id")) or question
            if target is None:
                continue
            if record.get("value") == NO:
                target.outcomes.add(FEEDBACK_NO)
            if record.get("kind") == COMMENT and str(record.get("comment") or "").strip():
                target.comments.append(str(record["comment"]))
        elif event.type_name == "action":
            turn.outcomes.add(FALLBACK)
    return turns


def failed(turn: Turn, min_intent: float = MIN_INTENT_CONFIDENCE, min_score: float = MIN_RULE_SCORE) -> bool:
    """Whether a turn is one to review (and flags a low-confidence reading on the way)."""
    if turn.feedback is not None or not turn.text.strip() or turn.text.startswith("/"):
        return False
    if (turn.confidence is not None and turn.confidence < min_intent) or (
        turn.best_score is not None and turn.best_score < min_score
    ):
        turn.outcomes.add(LOW_CONFIDENCE)
    return bool(turn.outcomes & set(REVIEW_OUTCOMES))


# -- groups -----------------------------------------------------------------------------------


@dataclass
class Group:
    """Similar failed messages."""

    text: str
    last_seen: float
    count: int = 0
    variants: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    readings: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    #: The comments typed after « Non », anonymised like the messages.
    comments: list[str] = field(default_factory=list)

    def add(self, turn: Turn, text: str) -> None:
        self.count += 1
        self.last_seen = max(self.last_seen, turn.timestamp)
        if text not in self.variants:
            self.variants.append(text)
        self.outcomes.update(o for o in REVIEW_OUTCOMES if o in turn.outcomes)
        if turn.channel:
            self.channels[turn.channel] += 1
        if turn.intent:
            self.intents[turn.intent] += 1
        if turn.reading:
            self.readings[turn.reading] += 1
        if turn.topic:
            self.topics[turn.topic] += 1
        self.rules.update(turn.rules)
        self.comments += [anonymise(comment) for comment in turn.comments]


def _key(text: str) -> str:
    return text.lower().strip(" ?!.…")


def group_turns(turns: Iterable[Turn], similarity: float = GROUP_SIMILARITY) -> list[Group]:
    """Group failed turns by the similarity of their masked text, newest group first."""
    ordered = sorted(turns, key=lambda t: t.timestamp, reverse=True)
    groups: list[Group] = []
    keys: list[str] = []
    exact: dict[str, int] = {}
    for turn in ordered:
        text = anonymise(turn.text)
        key = _key(text)
        index = exact.get(key)
        if index is None and keys:
            match = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=similarity)
            index = match[2] if match else None
        if index is None:
            index = len(groups)
            groups.append(Group(text=text, last_seen=turn.timestamp))
            keys.append(key)
        exact[key] = index
        groups[index].add(turn, text)
    return sorted(groups, key=lambda g: g.last_seen, reverse=True)


#: The counts of a day (:attr:`Review.per_day`): every message, the messages to review,
#: then one count per outcome.
MESSAGES, TO_REVIEW = "messages", "to_review"


@dataclass(frozen=True)
class Review:
    since: datetime
    until: datetime
    groups: list[Group]
    messages: int
    turns: int
    #: ``AAAA-MM-JJ`` (UTC) -> counts: :data:`MESSAGES`, :data:`TO_REVIEW` and each outcome
    #: of the messages to review; oldest day first.
    per_day: dict[str, Counter[str]] = field(default_factory=dict)


def review(
    url: Any,
    since: datetime,
    until: datetime,
    outcomes: Sequence[str] = (),
    channel: str | None = None,
    similarity: float = GROUP_SIMILARITY,
    min_intent: float = MIN_INTENT_CONFIDENCE,
    min_score: float = MIN_RULE_SCORE,
) -> Review:
    """The review of a period (optionally only some outcomes, one channel)."""
    wanted = set(outcomes) or set(REVIEW_OUTCOMES)
    total = 0
    kept: list[Turn] = []
    days: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for turn in turns_of(read_events(url, since.timestamp(), until.timestamp())):
        if turn.feedback is not None or (channel and turn.channel != channel):
            continue
        total += 1
        day = days[datetime.fromtimestamp(turn.timestamp, tz=timezone.utc).strftime("%Y-%m-%d")]
        day[MESSAGES] += 1
        if failed(turn, min_intent, min_score) and turn.outcomes & wanted:
            kept.append(turn)
            day[TO_REVIEW] += 1
            day.update(o for o in REVIEW_OUTCOMES if o in turn.outcomes)
    per_day = {key: days[key] for key in sorted(days)}
    return Review(since, until, group_turns(kept, similarity), len(kept), total, per_day)


# -- output -----------------------------------------------------------------------------------


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def _counts(counter: Counter[str], limit: int = 3) -> str:
    return ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in counter.most_common(limit))


def _row(group: Group) -> dict[str, str]:
    return {
        "count": str(group.count),
        "last_seen": _day(group.last_seen),
        "outcomes": _counts(group.outcomes, 6),
        "message": group.text,
        "variants": " | ".join(group.variants[1:6]),
        "intent": _counts(group.intents, 2),
        "topic": _counts(group.topics, 2),
        "reading": _counts(group.readings, 2),
        "rules": _counts(group.rules, 4),
        "channels": _counts(group.channels),
        "comments": " | ".join(group.comments[:5]),
    }


COLUMNS = (
    "count",
    "last_seen",
    "outcomes",
    "message",
    "variants",
    "intent",
    "topic",
    "reading",
    "rules",
    "channels",
    "comments",
)


def _header(result: Review) -> str:
    return (
        f"{result.messages} message(s) à revoir sur {result.turns}, en {len(result.groups)} groupe(s), "
        f"du {result.since:%Y-%m-%d %H:%M} au {result.until:%Y-%m-%d %H:%M} (UTC) ; "
        "anonymisés : # = chiffre"
    )


def as_table(result: Review, width: int = 60) -> str:
    lines = [_header(result), ""]
    shown = ("count", "last_seen", "outcomes", "message", "reading", "rules")
    rows = [_row(g) for g in result.groups]

    def cut(value: str) -> str:
        return value if len(value) <= width else value[: width - 1] + "…"

    widths = {col: max([len(col)] + [len(cut(r[col])) for r in rows]) for col in shown}
    lines.append("  ".join(col.ljust(widths[col]) for col in shown).rstrip())
    lines.append("  ".join("-" * widths[col] for col in shown))
    lines += ["  ".join(cut(r[col]).ljust(widths[col]) for col in shown).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def as_csv(result: Review) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for group in result.groups:
        writer.writerow(_row(group))
    return out.getvalue()


def as_yaml(result: Review) -> str:
    """One entry per group: its phrasings as a rule's ``asks`` and as NLU ``examples``."""
    entries = []
    for group in result.groups:
        entry: dict[str, Any] = {
            "message": group.text,
            "count": group.count,
            "last_seen": _day(group.last_seen),
            "outcomes": dict(group.outcomes.most_common()),
        }
        if group.intents:
            entry["intent"] = group.intents.most_common(1)[0][0]
        if group.readings:
            entry["reading"] = group.readings.most_common(1)[0][0]
        if group.rules:
            entry["rules"] = [rule for rule, _ in group.rules.most_common(4)]
        if group.comments:
            entry["comments"] = list(group.comments)
        entry["asks"] = list(group.variants)
        entry["examples"] = "".join(f"- {v}\n" for v in group.variants)
        entries.append(entry)
    head = (
        f"# {_header(result)}\n"
        "# Relisez, puis collez « asks » sous la règle qui répond (knowledge/…/agreement.yml)\n"
        "# ou « examples » sous l'intent dans data/nlu ; réentraînez (scripts/train.sh).\n"
    )
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000) if entries else "[]\n"
    return head + body


FORMATS = {"table": as_table, "csv": as_csv, "yaml": as_yaml}
