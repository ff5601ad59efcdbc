"""Slot validation and the profile form.

- ``action_validate_slot_mappings`` runs after every user message: it turns what the NLU
  model extracted into the codes the core reads (``"1404"``, ``"cdd"``, ISO dates…) and
  forgets the chosen métier when the person names another one (« et pour un
  chaudronnier ? »).
- ``validate_profile_form`` drives ``profile_form``: it asks only what the answer to the
  current question (slot ``last_topic``) is missing, as the core says in
  ``Answer.missing``. Eligibility usually needs the contract; a certification list needs
  the métier; a FAQ needs nothing.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction, ValidationAction
from rasa_sdk.types import DomainDict

from actions.answering import CERTIFICATIONS, ELIGIBILITY, FAQ
from actions.common import assistant, latest_entities, latest_intent, latest_text, log_failure
from actions.profile_slots import (
    PROFILE_SLOTS,
    contract_code,
    diploma_code,
    parse_idcc,
    parse_level,
    profile_from_tracker,
)
from bot.parse import parse_date, parse_int
from bot.profile import DEFAULT_IDCC
from bot.understanding.non_job import inside_phone_or_address

#: Intents whose text may be the métier itself when the form asks for it.
FREE_TEXT_INTENTS = {"inform", "nlu_fallback", "ask_certifications", "ask_eligibility"}

#: Intents the form handles itself even when they carry no profile fact: a new question
#: (the form goes on for it) or an answer it did not understand (it asks again).
#: Other intents (FAQ, help…) interrupt the form and are handled by rules.
KEEP_FORM_INTENTS = {"ask_eligibility", "ask_certifications", "inform"}

#: Intents of a question asked anew (not a follow-up of the previous one).
NEW_QUESTION_INTENTS = {"ask_eligibility", "ask_certifications"}

#: Longest métier text kept from a free answer.
MAX_METIER_TEXT = 100

#: Candidates of the métier text an id is checked against (more than any choice shown).
MAX_CANDIDATES_CHECKED = 50

#: Names the core may put in ``Answer.missing`` → slots the form asks, in order.
MISSING_TO_SLOTS = {
    "contract": ("contract",),
    "metier": ("metier",),
    "metier_text": ("metier",),
    "metier_id": ("metier", "metier_id"),
    "idcc": ("idcc",),
}


def metier_typed_now(value: Any, tracker: Tracker) -> bool:
    """Whether the person has just written this métier (an entity, or the whole text)."""
    if not isinstance(value, str) or not value.strip():
        return False
    values = {str(e.get("value", "")).strip() for e in latest_entities(tracker, "metier")}
    return value.strip() in values or latest_text(tracker) == value.strip()


def metier_found_by_core(tracker: Tracker, value: Any) -> str | None:
    """The annex id the core's métier entity (``nlu.metier_entities``) settled on for the
    conversation's branch, when the latest message named ``value`` and the whole message
    left exactly one métier (a diploma aimed at or a workplace in it may have picked it);
    None otherwise (ambiguous, typo to confirm, another extractor, unknown branch)."""
    idcc = str(parse_idcc(tracker.get_slot("idcc"), tuple(assistant().kb.branches)) or DEFAULT_IDCC)
    for entity in reversed(latest_entities(tracker, "metier")):
        if str(entity.get("value", "")).strip() != str(value).strip():
            continue
        statuses = entity.get("metier_status") or {}
        candidates = (entity.get("candidates") or {}).get(idcc) or []
        if isinstance(statuses, dict) and statuses.get(idcc) == "matched" and len(candidates) == 1:
            return str(candidates[0])
        return None
    return None


def age_read_in_phone_number(age: int, tracker: Tracker) -> bool:
    """Whether the age comes only from digits of a phone number, an e-mail or a web
    address of the latest message (where a « 34 » is no age)."""
    text = latest_text(tracker)
    if not text:
        return False
    spans = [
        (e["start"], e["end"])
        for e in latest_entities(tracker, "age")
        if isinstance(e.get("start"), int)
        and isinstance(e.get("end"), int)
        and parse_int(e.get("value"), 14, 99) == age
    ]
    if not spans:  # no span given: every place the number is written
        spans = [m.span() for m in re.finditer(rf"(?<!\d){age}(?!\d)", text)]
    return bool(spans) and all(inside_phone_or_address(text, start, end) for start, end in spans)


def plausible_metier_id(metier: Any, metier_id: Any, idcc: int) -> str | None:
    """``metier_id`` when it belongs to the métier text's matches in branch ``idcc``
    (any candidate: a button chose among them); else the one métier the text matches,
    or None. Without a métier text the id must at least be a métier of the branch. A
    stale id (another job, another branch) or a forged one is dropped this way."""
    text = metier.strip() if isinstance(metier, str) and metier.strip() else None
    wanted = metier_id.strip() if isinstance(metier_id, str) and metier_id.strip() else None
    if text is None:
        try:
            known = {m.id for m in assistant().kb.branch(idcc).metiers}
        except Exception:
            return None
        return wanted if wanted in known else None
    result = assistant().matcher(idcc).match(text, limit=MAX_CANDIDATES_CHECKED)
    candidates = [c.metier.id for c in result.candidates]
    if wanted is not None and wanted in candidates:
        return wanted
    if result.status == "matched" and len(candidates) == 1:
        return candidates[0]
    return None


def coherent_metier_events(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """A ``metier_id`` event when the métier and its id (the tracker's slots with
    ``events`` applied) do not point at the same métier: the id is checked against the
    text's matches and re-matched (:func:`plausible_metier_id`)."""
    slots = {name: tracker.get_slot(name) for name in ("idcc", "metier", "metier_id")}
    for event in events:
        if event.get("event") == "slot" and event.get("name") in slots:
            slots[event["name"]] = event.get("value")
    if not slots["metier_id"]:
        return []
    if slots["metier_id"] == metier_found_by_core(tracker, slots["metier"]):
        # The core settled on this id with the whole message (a described job, a
        # workplace word): re-matching the métier text alone would lose that context.
        return []
    idcc = parse_idcc(slots["idcc"], tuple(assistant().kb.branches)) or DEFAULT_IDCC
    checked = plausible_metier_id(slots["metier"], slots["metier_id"], idcc)
    return [] if checked == slots["metier_id"] else [SlotSet("metier_id", checked)]


def metier_rollback(tracker: Tracker) -> list[EventType]:
    """After a failure half-way through a turn: both ``metier`` and ``metier_id`` back
    to their values before the latest message when either changed, so that they never
    point at two different métiers (set both together, or neither). Needs no core."""
    previous = {slot: _previous_slot_value(tracker, slot) for slot in ("metier", "metier_id")}
    if all(tracker.get_slot(slot) == value for slot, value in previous.items()):
        return []
    return [SlotSet(slot, value) for slot, value in previous.items()]


def metier_chosen_now(tracker: Tracker) -> bool:
    """Whether the latest message chose a métier id (a button)."""
    return bool(latest_entities(tracker, "metier_id"))


def _previous_slot_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (or its initial value)."""
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


class SlotNormaliser:
    """``validate_<slot>`` methods shared by the global and the form validation."""

    def validate_idcc(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        idcc = parse_idcc(value, self._known_idccs())
        if idcc is None and isinstance(value, str):
            idcc = assistant().parse_branch(value)
        if idcc is None:
            previous = parse_idcc(_previous_slot_value(tracker, "idcc"), self._known_idccs())
            idcc = previous or DEFAULT_IDCC
        return {"idcc": str(idcc)}

    def validate_contract(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return {"contract": contract_code(value)}

    def validate_metier(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = value.strip()[:MAX_METIER_TEXT] if isinstance(value, str) and value.strip() else None
        slots: dict[str, Any] = {"metier": text}
        if text and metier_typed_now(value, tracker) and not metier_chosen_now(tracker):
            # A new métier: the one chosen before no longer holds; the core's entity may
            # already have settled on one with the rest of the message.
            slots["metier_id"] = metier_found_by_core(tracker, value)
        return slots

    def validate_metier_id(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        typed = tracker.get_slot("metier")
        if not metier_chosen_now(tracker) and metier_typed_now(typed, tracker):
            # A métier typed now, no button: only the id the core settled on for this
            # message holds (it may have used a workplace or a diploma of the message);
            # an id from an earlier turn does not.
            return {"metier_id": metier_found_by_core(tracker, typed)}
        return {"metier_id": value.strip() if isinstance(value, str) and value.strip() else None}

    def validate_held_diploma(self, value, dispatcher, tracker, domain):
        return {"held_diploma": diploma_code(value, self._known_diplomas())}

    def validate_target_diploma(self, value, dispatcher, tracker, domain):
        return {"target_diploma": diploma_code(value, self._known_diplomas())}

    def validate_held_level(self, value, dispatcher, tracker, domain):
        level = parse_level(value)
        return {"held_level": str(level) if level is not None else None}

    def validate_target_level(self, value, dispatcher, tracker, domain):
        level = parse_level(value)
        return {"target_level": str(level) if level is not None else None}

    def validate_age(self, value, dispatcher, tracker, domain):
        age = parse_int(value, 14, 99)
        if age is not None and age_read_in_phone_number(age, tracker):
            age = None  # « mon numéro est 06 12 34 56 78 » says no age
        if age is None:
            age = parse_int(_previous_slot_value(tracker, "age"), 14, 99)  # keep a known one
        return {"age": str(age) if age is not None else None}

    def validate_avenant_date(self, value, dispatcher, tracker, domain):
        day = parse_date(value)
        return {"avenant_date": day.isoformat() if day else None}

    def validate_last_topic(self, value, dispatcher, tracker, domain):
        return {"last_topic": value if value in (ELIGIBILITY, CERTIFICATIONS, FAQ) else None}

    def validate_faq_topic(self, value, dispatcher, tracker, domain):
        return {"faq_topic": str(value) if value else None}

    @staticmethod
    def _known_idccs() -> tuple:
        return tuple(assistant().kb.branches)

    @staticmethod
    def _known_diplomas() -> tuple | None:
        try:
            return tuple(assistant().kb.diplomas) or None
        except Exception:
            return None


class ValidateSlotMappings(SlotNormaliser, ValidationAction):
    """Normalises the slots extracted from every user message (global slots)."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher, tracker, domain):
        try:
            events = await super().run(dispatcher, tracker, domain) + forget_old_target(tracker)
            return events + coherent_metier_events(tracker, events)
        except Exception as error:
            log_failure(self.name(), error)
            return metier_rollback(tracker)


def forget_old_target(tracker: Tracker) -> list[EventType]:
    """A new question that names no target (« quelles certifications pour un soudeur ? »
    after « puis-je viser un BTS ? ») is about every certification: the diploma or level
    aimed at before is dropped. A follow-up (« et pour un chaudronnier ? », intent
    ``inform``) keeps it."""
    if latest_intent(tracker) not in NEW_QUESTION_INTENTS:
        return []
    if any(e.get("role") == "target" for name in ("diploma", "level") for e in latest_entities(tracker, name)):
        return []
    return [SlotSet(slot, None) for slot in ("target_diploma", "target_level") if tracker.get_slot(slot) is not None]


def topic_of(tracker: Tracker) -> str:
    topic = tracker.get_slot("last_topic")
    return topic if topic in (ELIGIBILITY, CERTIFICATIONS, FAQ) else ELIGIBILITY


def slots_to_ask(missing: Any, tracker: Tracker) -> list[str]:
    """The slots the form asks for the core's ``missing`` names (unknown names skipped)."""
    wanted: list[str] = []
    for name in missing or ():
        for slot in MISSING_TO_SLOTS.get(str(name), ()):
            if slot == "metier" and tracker.get_slot("metier"):
                continue
            if slot not in wanted:
                wanted.append(slot)
    return wanted


class ValidateProfileForm(SlotNormaliser, FormValidationAction):
    """Validation and dynamic questions of ``profile_form``."""

    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Profile slots already known (to validate them) + what the answer is missing
        (the core's ``missing_for``: no answer composed, cached per profile)."""
        missing = assistant().missing_for(topic_of(tracker), profile_from_tracker(tracker))
        known = [slot for slot in PROFILE_SLOTS if tracker.get_slot(slot) is not None]
        return known + [slot for slot in slots_to_ask(missing, tracker) if slot not in known]

    async def extract_metier(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The whole answer as the métier when the form asked for it and the NLU model
        found no métier in it (« soudeur » alone)."""
        requested = tracker.get_slot("requested_slot")
        if requested not in ("metier", "metier_id"):
            return {}
        if latest_entities(tracker, "metier") or metier_chosen_now(tracker):
            return {}
        if latest_intent(tracker) not in FREE_TEXT_INTENTS:
            return {}
        text = latest_text(tracker)
        if not text or text.startswith("/"):
            return {}
        return {"metier": text[:MAX_METIER_TEXT]}

    def validate_metier(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        """After « Lequel est le vôtre ? », a word that completes the métier already
        given (« électricien » + « industrie ») is read together with it when the
        two together name one métier of the list."""
        slots = super().validate_metier(value, dispatcher, tracker, domain)
        text = slots.get("metier")
        previous = _previous_slot_value(tracker, "metier")
        if (
            text
            and tracker.get_slot("requested_slot") == "metier_id"
            and metier_typed_now(value, tracker)
            and isinstance(previous, str)
            and previous.strip()
            and previous.strip() != text
        ):
            combined = f"{previous.strip()} {text}"[:MAX_METIER_TEXT]
            idcc = profile_from_tracker(tracker).idcc
            if assistant().match_metier(combined, idcc).status == "matched":
                slots["metier"] = combined
        return slots

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        try:
            events = await super().run(dispatcher, tracker, domain)
            events = events + coherent_metier_events(tracker, events)
        except Exception as error:
            log_failure(self.name(), error)
            return [*metier_rollback(tracker), SlotSet("requested_slot", None)]
        extra: list[EventType] = []
        if tracker.get_slot("last_topic") not in (ELIGIBILITY, CERTIFICATIONS, FAQ):
            # A bare profile fact (« je suis cariste ») is taken as an eligibility question.
            extra.append(SlotSet("last_topic", ELIGIBILITY))
        elif latest_intent(tracker) in KEEP_FORM_INTENTS and not _sets_profile_slot(events):
            # Without a slot event Rasa would reject the form; keep it going instead.
            extra.append(SlotSet("last_topic", tracker.get_slot("last_topic")))
        return events + extra


def _sets_profile_slot(events: list[EventType]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") != "requested_slot" for e in events)
