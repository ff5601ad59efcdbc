"""The slot checks of one turn: the NLU model's raw values → the values the core reads.

Each ``validate_<slot>`` method of :class:`SlotNormaliser` reads one raw value with the
latest message of the tracker (what the person has just typed, the entities the NLU
found in it, the slot's value before); :func:`normalise_turn` runs them on every slot a
message filled, forgets the old target after a new question and makes the métier id
agree with the métier text. When they run is :mod:`actions.slot_checks`' business.

What a value is worth (an age that is only digits of a phone number, a métier id that
does not belong to the métier text…) is the core's (:mod:`bot.slot_values`): this
module reads the tracker, hands the values to it and turns its verdicts into slot
events.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.common import assistant, latest_entities, latest_intent, latest_text
from actions.profile_slots import contract_code, diploma_code, parse_idcc, parse_level
from bot import slot_values
from bot.profile import DEFAULT_IDCC

#: Intents of a question asked anew (not a follow-up of the previous one).
NEW_QUESTION_INTENTS = {"ask_eligibility", "ask_certifications"}

#: Slot where Rasa puts the metadata of the message that started the session.
METADATA_SLOT = "session_started_metadata"


# ------------------------------------------------------------------------ the event log
def latest_user_index(events: list[dict[str, Any]]) -> int:
    """The index of the latest user message of ``events`` (-1: none)."""
    return max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)


def extracted_slots(events: list[dict[str, Any]], user_index: int) -> dict[str, Any]:
    """The slots Rasa filled from the message at ``user_index`` (the slot events right
    after it, before any action: ``action_extract_slots`` logs no action event)."""
    values: dict[str, Any] = {}
    if user_index < 0:
        return values
    for event in events[user_index + 1 :]:
        if event.get("event") != "slot":
            break
        values[str(event.get("name"))] = event.get("value")
    return values


# ------------------------------------------------------------------ reading the tracker
def metier_typed_now(value: Any, tracker: Tracker) -> bool:
    """Whether the person has just written this métier (an entity, or the whole text)."""
    entity_values = [e.get("value", "") for e in latest_entities(tracker, "metier")]
    return slot_values.typed_in_message(value, entity_values, latest_text(tracker))


def metier_found_by_core(tracker: Tracker, value: Any) -> str | None:
    """The annex id the core's métier entity (``nlu.metier_entities``) settled on for the
    conversation's branch, when the latest message named ``value`` and the whole message
    left exactly one métier (a diploma aimed at or a workplace in it may have picked it);
    None otherwise (ambiguous, typo to confirm, another extractor, unknown branch)."""
    idcc = str(parse_idcc(tracker.get_slot("idcc"), tuple(assistant().kb.branches)) or DEFAULT_IDCC)
    return slot_values.settled_metier_id(latest_entities(tracker, "metier"), value, idcc)


def metier_id_settled_now(tracker: Tracker) -> str | None:
    """The id the slot checks keep for a métier typed in the latest message without a
    button (:meth:`SlotNormaliser.validate_metier_id`): the one the NLU's entity settled
    on, read from it, not matched again. None: no métier typed now, a button chose, or
    the entity left the choice open."""
    typed = tracker.get_slot("metier")
    if metier_chosen_now(tracker) or not metier_typed_now(typed, tracker):
        return None
    return metier_found_by_core(tracker, typed)


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
        and slot_values.read_age(e.get("value")) == age
    ]
    return slot_values.age_only_in_contact_details(age, text, spans)


def plausible_metier_id(metier: Any, metier_id: Any, idcc: int) -> str | None:
    """The métier id kept for the métier text in branch ``idcc`` with the process's
    core (:func:`bot.slot_values.plausible_metier_id`)."""
    return slot_values.plausible_metier_id(assistant(), metier, metier_id, idcc)


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


def metier_chosen_now(tracker: Tracker) -> bool:
    """Whether the latest message chose a métier id (a button)."""
    return bool(latest_entities(tracker, "metier_id"))


def previous_slot_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (or None: its initial value)."""
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


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


def session_branch(tracker: Tracker) -> int | None:
    """The IDCC the channel asked for in the metadata of the message that started the
    session (REST ``metadata``, socket.io ``user_uttered``), or None (unknown branch)."""
    metadata = tracker.get_slot(METADATA_SLOT)
    if not isinstance(metadata, dict):
        return None
    return parse_idcc(metadata.get("idcc"), tuple(assistant().kb.branches))


# -------------------------------------------------------------------------- normaliser
class SlotNormaliser:
    """``validate_<slot>`` methods: one raw slot value → the value the core reads."""

    def validate_idcc(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        idcc = parse_idcc(value, self._known_idccs())
        if idcc is None and isinstance(value, str):
            idcc = assistant().parse_branch(value)
        if idcc is None:
            previous = parse_idcc(previous_slot_value(tracker, "idcc"), self._known_idccs())
            idcc = previous or session_branch(tracker) or DEFAULT_IDCC
        return {"idcc": str(idcc)}

    def validate_contract(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return {"contract": contract_code(value)}

    def validate_metier(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = slot_values.metier_text(value)
        slots: dict[str, Any] = {"metier": text}
        if text and metier_typed_now(value, tracker) and not metier_chosen_now(tracker):
            # A new métier: the one chosen before no longer holds; the core's entity may
            # already have settled on one with the rest of the message.
            slots["metier_id"] = metier_found_by_core(tracker, value)
        return slots

    def validate_metier_id(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not metier_chosen_now(tracker) and metier_typed_now(tracker.get_slot("metier"), tracker):
            # A métier typed now, no button: only the id the core settled on for this
            # message holds (it may have used a workplace or a diploma of the message);
            # an id from an earlier turn does not.
            return {"metier_id": metier_id_settled_now(tracker)}
        return {"metier_id": slot_values.stripped_text(value)}

    def validate_held_diploma(self, value, dispatcher, tracker, domain):
        return {"held_diploma": diploma_code(value, self._known_diplomas())}

    def validate_target_diploma(self, value, dispatcher, tracker, domain):
        return {"target_diploma": diploma_code(value, self._known_diplomas())}

    def validate_held_level(self, value, dispatcher, tracker, domain):
        return {"held_level": slot_values.number_text(parse_level(value))}

    def validate_target_level(self, value, dispatcher, tracker, domain):
        return {"target_level": slot_values.number_text(parse_level(value))}

    def validate_age(self, value, dispatcher, tracker, domain):
        age = slot_values.read_age(value)
        if age is not None and age_read_in_phone_number(age, tracker):
            age = None  # « mon numéro est 06 12 34 56 78 » says no age
        if age is None:
            age = slot_values.read_age(previous_slot_value(tracker, "age"))  # keep a known one
        return {"age": slot_values.number_text(age)}

    def validate_avenant_date(self, value, dispatcher, tracker, domain):
        return {"avenant_date": slot_values.iso_date(value)}

    def validate_last_topic(self, value, dispatcher, tracker, domain):
        return {"last_topic": slot_values.known_topic(value)}

    def validate_faq_topic(self, value, dispatcher, tracker, domain):
        return {"faq_topic": slot_values.topic_text(value)}

    @staticmethod
    def _known_idccs() -> tuple:
        return tuple(assistant().kb.branches)

    @staticmethod
    def _known_diplomas() -> tuple | None:
        try:
            return tuple(assistant().kb.diplomas) or None
        except Exception:
            return None


_NORMALISER = SlotNormaliser()


def normalised_values(candidates: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
    """The candidates' values as the core reads them, each checked in turn with the
    latest message of ``tracker`` (its slots are updated as the checks go, as rasa_sdk's
    validation does). Slots without a check keep their value."""
    values = dict(candidates)
    for name, value in candidates.items():
        check = getattr(_NORMALISER, f"validate_{name}", None)
        if check is None:
            continue
        result = check(value, None, tracker, {})
        values.update(result)
        tracker.slots.update(result)
    return values


def normalise_turn(tracker: Tracker) -> list[EventType]:
    """What ``action_validate_slot_mappings`` returned for the latest message of
    ``tracker``: its extracted slots normalised, the old target forgotten after a new
    question, and the métier id made to agree with the métier."""
    values = normalised_values(extracted_slots(tracker.events or [], latest_user_index(tracker.events or [])), tracker)
    events: list[EventType] = [SlotSet(name, value) for name, value in values.items()]
    events += forget_old_target(tracker)
    return events + coherent_metier_events(tracker, events)
