"""How a turn ended, in the words of the people who keep the FAQ good (issue 22).

One vocabulary for ``bot review`` (:mod:`bot.review`, read from the tracker store) and the
``/metrics`` counters of the action server (``actions/metrics.py``):

- ``answered``: an answer was given;
- ``asked_back``: the assistant asked a question back (verdict ``needs_information``,
  or one of the domain's ``utter_ask_*`` questions);
- ``refused``: the job is not in the branch's list;
- ``fallback``: the message was not understood (NLU fallback, « pouvez-vous reformuler »,
  out of scope).

``bot review`` also flags a ``low_confidence`` reading and a « Non » verdict line, and a
« Non » given as feedback (``feedback_no``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.compose.french import VERDICT_NOT_IN_LIST
from bot.compose.parts import AnswerVerdict

ANSWERED, ASKED_BACK, REFUSED, FALLBACK = "answered", "asked_back", "refused", "fallback"
LOW_CONFIDENCE, VERDICT_NO, FEEDBACK_NO = "low_confidence", "no", "feedback_no"
#: The outcomes of ``proa_answers_total`` (every turn has exactly one).
ANSWER_OUTCOMES = (ANSWERED, ASKED_BACK, REFUSED, FALLBACK)
#: Everything ``bot review`` lists, most telling first.
REVIEW_OUTCOMES = (FALLBACK, REFUSED, ASKED_BACK, FEEDBACK_NO, LOW_CONFIDENCE, VERDICT_NO)

#: The start of the « job not in the list » verdict line, whatever the branch.
_NOT_IN_LIST = VERDICT_NOT_IN_LIST.split("{", 1)[0]
#: Responses (``utter_action`` of a bot event) that mean « not understood ».
FALLBACK_RESPONSES = frozenset({"utter_ask_rephrase", "utter_default", "utter_out_of_scope"})
FALLBACK_RESPONSE_PREFIXES = ("utter_ask_affirmation",)
#: Actions that mean « not understood ».
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback", "action_default_ask_affirmation"})
FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


#: The key of the bot event's metadata that keeps what an answer was, whatever the channel
#: renders (Slack blocks and Teams cards do not carry the structured answer).
ANSWER_METADATA = "proa_answer"


def answer_record(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What an answer was, kept with the bot event (:data:`ANSWER_METADATA`): its verdict,
    verdict line, topic and ``understood`` part (rules, métier, the reading taken)."""
    return {
        "type": "proa_answer",
        "verdict": payload.get("verdict"),
        "verdict_line": payload.get("verdict_line"),
        "topic": payload.get("topic"),
        "understood": payload.get("understood"),
        # What the channels fold (« Détails et sources »), for a channel that shows it on
        # demand (Slack: actions/details.py).
        "details": details_of(payload),
    }


def details_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The folded part of a structured answer: detail parts, list notes, 2026 change, sources."""
    listing = payload.get("list")
    return {
        "parts": [p for p in payload.get("parts") or [] if isinstance(p, Mapping) and p.get("detail") is True],
        "notes": list(listing.get("notes") or []) if isinstance(listing, Mapping) else [],
        "change": payload.get("change"),
        "sources": list(payload.get("sources") or []),
    }


def payload_outcome(payload: Mapping[str, Any]) -> str:
    """The outcome of a structured answer (``proa_answer`` payload, docs/DESIGN.md)."""
    if str(payload.get("verdict_line", "")).startswith(_NOT_IN_LIST):
        return REFUSED
    if payload.get("verdict") == AnswerVerdict.NEEDS_INFORMATION.value:
        return ASKED_BACK
    return ANSWERED


def response_outcome(response: str | None) -> str | None:
    """The outcome of a domain response (``utter_*``), or None when it says nothing of it."""
    if not response:
        return None
    if response in FALLBACK_RESPONSES or response.startswith(FALLBACK_RESPONSE_PREFIXES):
        return FALLBACK
    if response.startswith("utter_ask_"):
        return ASKED_BACK
    return None


def is_verdict_no(payload: Mapping[str, Any]) -> bool:
    """Whether the verdict line answers « Non »."""
    line = str(payload.get("verdict_line", "")).lstrip()
    return line == "Non" or line.startswith(("Non,", "Non.", "Non ", "Non :"))


def best_rule_score(payload: Mapping[str, Any]) -> float | None:
    """The best score of the rules the reading ranked (``understood.reading.scores``)."""
    understood = payload.get("understood") or {}
    reading = understood.get("reading") or {}
    scores = reading.get("scores") or {}
    values = [float(v) for v in scores.values() if isinstance(v, int | float)]
    return max(values) if values else None
