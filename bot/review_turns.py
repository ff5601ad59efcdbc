"""The turns of the stored conversations: each user message with what the assistant did
with it (its outcomes, the reading taken, the rules used), the « Non » given to it as
feedback and the comments typed after it, and whether the turn is one to review.

Part of :mod:`bot.review` (which re-exports every name).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import wording
from bot.feedback import ANSWER_ID_ENTITY, CLICK, COMMENT, FEEDBACK_INTENT, FEEDBACK_METADATA, HELPFUL_ENTITY, NO
from bot.outcomes import (
    ANSWER_METADATA,
    FALLBACK,
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
from bot.review_store import StoredEvent

#: An intent below this confidence is a low-confidence reading.
MIN_INTENT_CONFIDENCE = 0.6
#: A best rule score (``understood.reading.scores``) below this is a low-confidence reading
#: (about the 5th percentile of the answers stored in December 2026).
MIN_RULE_SCORE = 0.2


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
        words.append(wording.text("review", "reading_past"))
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
