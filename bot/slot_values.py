"""What a value of a channel's slot is worth to the core, checked before it is kept.

Rasa's NLU model fills the slots (``actions/slot_checks.py`` adapts them); what a value
means is the core's business, kept here without Rasa: the métier text a free answer
gives, whether the latest message named that métier, the id the core settled on for it,
an age that is only digits of a phone number, a métier id that does not belong to the
métier text (a stale one, or a forged one), and the codes and texts the other slots hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.compose.parts import AnswerTopic
from bot.matching import STATUS_MATCHED
from bot.understanding.non_job import inside_phone_or_address
from bot.understanding.text_values import parse_date, parse_int

if TYPE_CHECKING:
    from bot.service import Assistant

#: Topics of the ``last_topic`` slot (domain.yml).
TOPICS = tuple(topic.value for topic in (AnswerTopic.ELIGIBILITY, AnswerTopic.CERTIFICATIONS, AnswerTopic.FAQ))

#: Longest métier text kept from a free answer.
MAX_METIER_TEXT = 100

#: Candidates of the métier text an id is checked against (more than any choice shown).
MAX_CANDIDATES_CHECKED = 50

#: Ages a person may give (younger or older is a misreading: « 12 » of a phone number).
AGE_RANGE = (14, 99)


def stripped_text(value: Any) -> str | None:
    """``value`` without its surrounding spaces, or None when it is no text or empty."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def metier_text(value: Any) -> str | None:
    """The métier text kept from a free answer (at most :data:`MAX_METIER_TEXT`
    characters), or None."""
    return value.strip()[:MAX_METIER_TEXT] if isinstance(value, str) and value.strip() else None


def typed_in_message(value: Any, entity_values: Iterable[Any], text: str | None) -> bool:
    """Whether the latest message wrote ``value``: one of its entities' values, or the
    whole ``text`` of the message."""
    if not isinstance(value, str) or not value.strip():
        return False
    values = {str(entity).strip() for entity in entity_values}
    return value.strip() in values or text == value.strip()


def settled_metier_id(entities: Sequence[Mapping[str, Any]], value: Any, idcc: int | str) -> str | None:
    """The annex id the core's métier entity (``nlu.metier_entities``) settled on for
    branch ``idcc``, when the latest of ``entities`` that named ``value`` left exactly
    one métier with the whole message (a diploma aimed at or a workplace in it may have
    picked it); None otherwise (ambiguous, typo to confirm, another extractor, unknown
    branch)."""
    for entity in reversed(entities):
        if str(entity.get("value", "")).strip() != str(value).strip():
            continue
        statuses = entity.get("metier_status") or {}
        candidates = (entity.get("candidates") or {}).get(str(idcc)) or []
        if isinstance(statuses, dict) and statuses.get(str(idcc)) == STATUS_MATCHED and len(candidates) == 1:
            return str(candidates[0])
        return None
    return None


def read_age(value: Any) -> int | None:
    """An age in :data:`AGE_RANGE` from a value (``"34"``, ``"34 ans"``), or None."""
    return parse_int(value, *AGE_RANGE)


def age_only_in_contact_details(age: int, text: str | None, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``age`` comes only from digits of a phone number, an e-mail or a web
    address of ``text`` (where a « 34 » is no age). ``spans``: where the NLU read it;
    without any, every place the number is written."""
    if not text:
        return False
    if not spans:  # no span given: every place the number is written
        spans = [m.span() for m in re.finditer(rf"(?<!\d){age}(?!\d)", text)]
    return bool(spans) and all(inside_phone_or_address(text, start, end) for start, end in spans)


def plausible_metier_id(assistant: Assistant, metier: Any, metier_id: Any, idcc: int) -> str | None:
    """``metier_id`` when it belongs to the métier text's matches in branch ``idcc``
    (any candidate: a button chose among them); else the one métier the text matches,
    or None. Without a métier text the id must at least be a métier of the branch. A
    stale id (another job, another branch) or a forged one is dropped this way."""
    text = stripped_text(metier)
    wanted = stripped_text(metier_id)
    if text is None:
        try:
            known = {m.id for m in assistant.kb.branch(idcc).metiers}
        except Exception:
            return None
        return wanted if wanted in known else None
    result = assistant.match_metier(text, idcc, limit=MAX_CANDIDATES_CHECKED)
    candidates = [c.metier.id for c in result.candidates]
    if wanted is not None and wanted in candidates:
        return wanted
    if result.status == STATUS_MATCHED and len(candidates) == 1:
        return candidates[0]
    return None


def number_text(number: int | None) -> str | None:
    """A number as a slot holds it (``"4"``), or None."""
    return str(number) if number is not None else None


def iso_date(value: Any) -> str | None:
    """A date as typed (« 20/12/2025 », « décembre 2025 ») in ISO form, or None."""
    day = parse_date(value)
    return day.isoformat() if day else None


def known_topic(value: Any) -> str | None:
    """``value`` when it is a topic of :data:`TOPICS`, else None."""
    return value if value in TOPICS else None


def topic_text(value: Any) -> str | None:
    """A FAQ topic as text, or None when empty."""
    return str(value) if value else None
