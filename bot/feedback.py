"""« Cette réponse vous aide ? » : the feedback on an answer (issue 22), without Rasa.

Every answer of the custom actions (a ``proa_answer`` payload) offers two buttons,
« Oui » and « Non » (:func:`offer`, added by ``actions.common.send_answer``), whose
payload is the command ``/feedback{"helpful": "yes", "answer_id": "…"}``. Rasa reads a
message that starts with ``/`` without the NLU, so a click is never a new question; the
``feedback`` intent has no NLU example, so no typed text is ever classified as one.

``answer_id`` names the answer the buttons belong to (a random id kept with the answer's
record in its bot event's metadata, :data:`bot.outcomes.ANSWER_METADATA`), so a click on
an older answer is not taken for one on the latest.

What a click or a comment says is kept in the metadata of a bot event
(:data:`FEEDBACK_METADATA`): the reply of ``action_feedback`` for a click
(:func:`click_record`), the « C'est noté » of ``channels.feedback_comment`` for the
comment typed after « Non » (:func:`comment_record`). A bot event, not a slot: Rasa
copies every slot event into each new session of a conversation
(``carry_over_slots_to_new_session``), which would repeat the comment, and the click,
in every later session.

Plain Python: no Rasa import (docs/DESIGN.md, layers).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from bot.outcomes import ANSWER_METADATA
from bot.wording import text

FEEDBACK_INTENT = "feedback"
HELPFUL_ENTITY = "helpful"
ANSWER_ID_ENTITY = "answer_id"
YES, NO = "yes", "no"
VALUES = (YES, NO)

#: The question under every answer, and the titles of its buttons (the catalogue's
#: ``answers.yml``, ``feedback``).
QUESTION = text("answers", "feedback.question")
TITLES = {value: text("answers", f"feedback.titles.{value}") for value in VALUES}
#: Shown in place of the buttons once clicked (Slack).
GIVEN = text("answers", "feedback.given")

#: The key of a bot event's metadata that records a feedback (a click or a comment).
FEEDBACK_METADATA = "proa_feedback"
CLICK, COMMENT = "click", "comment"
#: A comment is kept up to this many characters (the message itself is kept whole).
MAX_COMMENT_CHARS = 500

_ANSWER_ID_CHARS = frozenset("0123456789abcdef")


def new_answer_id() -> str:
    """A random id for one answer (12 hexadecimal characters; nothing personal)."""
    return secrets.token_hex(6)


def is_answer_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 12 and set(value) <= _ANSWER_ID_CHARS


def command(value: str, answer_id: str | None = None) -> str:
    """The payload of a button: ``/feedback{"helpful": "no", "answer_id": "…"}``."""
    entities = {HELPFUL_ENTITY: value}
    if answer_id:
        entities[ANSWER_ID_ENTITY] = answer_id
    return "/" + FEEDBACK_INTENT + json.dumps(entities, ensure_ascii=False)


def offer(answer_id: str) -> dict[str, Any]:
    """The ``feedback`` part of an answer's payload, which the channels render."""
    return {
        "question": QUESTION,
        "answer_id": answer_id,
        "buttons": [{"title": TITLES[value], "payload": command(value, answer_id), "value": value} for value in VALUES],
    }


def attach_offer(payload: dict[str, Any], record: dict[str, Any]) -> str:
    """Give an answer its id and its feedback buttons: ``payload["feedback"]`` (what the
    channels render) and ``record["id"]`` (what the bot event keeps). Returns the id."""
    answer_id = new_answer_id()
    record["id"] = answer_id
    payload["feedback"] = offer(answer_id)
    return answer_id


def value_of(entities: Iterable[Mapping[str, Any]]) -> str | None:
    """``yes`` or ``no`` from a click's entities (None for anything else)."""
    for entity in entities:
        if entity.get("entity") == HELPFUL_ENTITY and entity.get("value") in VALUES:
            return str(entity["value"])
    return None


def answer_id_of(entities: Iterable[Mapping[str, Any]]) -> str | None:
    for entity in entities:
        if entity.get("entity") == ANSWER_ID_ENTITY and is_answer_id(entity.get("value")):
            return str(entity["value"])
    return None


def answer_of(events: Iterable[Mapping[str, Any]], answer_id: str | None = None) -> Mapping[str, Any] | None:
    """What the answer was (its ``proa_answer`` record) from a conversation's events: the
    one with ``answer_id``, or the latest when no id is given. None when not found."""
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        answer = (event.get("metadata") or {}).get(ANSWER_METADATA)
        if not isinstance(answer, Mapping) or answer.get("type") != "proa_answer":
            continue
        if answer_id is None or answer.get("id") == answer_id:
            return answer
    return None


def click_record(value: str, answer: Mapping[str, Any] | None, answer_id: str | None = None) -> dict[str, Any]:
    """What a click says, with what the answer was: topic, verdict, rules, métier, branch
    and the reading taken (``understood`` of the structured answer)."""
    answer = answer or {}
    understood = answer.get("understood") or {}
    if not isinstance(understood, Mapping):
        understood = {}
    return {
        "kind": CLICK,
        "value": value,
        "answer_id": answer.get("id") or answer_id,
        "found": bool(answer),
        "topic": answer.get("topic"),
        "verdict": answer.get("verdict"),
        "verdict_line": answer.get("verdict_line"),
        "rules": [str(rule) for rule in understood.get("rules") or ()],
        "metier": understood.get("metier"),
        "branch": understood.get("branch"),
        "reading": understood.get("reading"),
    }


def comment_record(click: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The comment typed after « Non », with the click's record (the same answer)."""
    record = {key: value for key, value in click.items() if key != "comment_asked"}
    record.update(kind=COMMENT, comment=text.strip()[:MAX_COMMENT_CHARS])
    return record


def already_given(events: Iterable[Mapping[str, Any]], value: str, answer_id: str | None) -> bool:
    """Whether the same click on the same answer is already recorded (a second click on
    a Teams card, whose buttons stay, is thanked but not counted twice)."""
    if not answer_id:
        return False
    for event in events:
        if event.get("event") != "bot":
            continue
        given = (event.get("metadata") or {}).get(FEEDBACK_METADATA)
        if (
            isinstance(given, Mapping)
            and given.get("kind") == CLICK
            and given.get("answer_id") == answer_id
            and given.get("value") == value
        ):
            return True
    return False
