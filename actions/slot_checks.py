"""Normalising the slots the NLU model extracted, without a call of its own.

Rasa fills the slots from the entities of every message (slot mappings of domain.yml);
the values are then turned into the codes the core reads (``"1404"``, ``"cdd"``, ISO
dates…), a new métier forgets the one chosen before (« et pour un chaudronnier ? »), an
age read in a phone number is dropped and a new question that names no target forgets
the old one. This used to be Rasa's ``action_validate_slot_mappings``: one more call of
the action server after every message (twice when the form started). It now runs where
a call is made anyway:

- ``validate_profile_form`` (actions/forms.py) for the turns that run the form;
- the answer actions (actions/answering.py) for the turns they answer first (a FAQ,
  « voir plus »), before they read the profile.

A turn that calls no action at all (« bonjour, je suis cariste », « merci ») keeps the
raw values for a while: the next of these actions **catches up** with it, replaying the
checks with that turn's own message (:func:`catch_up`). Until then nothing reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.common import assistant, latest_entities, latest_intent, latest_text
from actions.profile_slots import contract_code, diploma_code, parse_idcc, parse_level
from bot.compose.parts import AnswerTopic
from bot.profile import DEFAULT_IDCC
from bot.understanding.non_job import inside_phone_or_address
from bot.understanding.parse import parse_date, parse_int

#: Topics of the ``last_topic`` slot (domain.yml).
TOPICS = tuple(topic.value for topic in (AnswerTopic.ELIGIBILITY, AnswerTopic.CERTIFICATIONS, AnswerTopic.FAQ))

#: Intents of a question asked anew (not a follow-up of the previous one).
NEW_QUESTION_INTENTS = {"ask_eligibility", "ask_certifications"}

#: Longest métier text kept from a free answer.
MAX_METIER_TEXT = 100

#: Candidates of the métier text an id is checked against (more than any choice shown).
MAX_CANDIDATES_CHECKED = 50

#: Actions that normalise the slots of the turn they run in (a turn where one of them
#: ran needs no catching up).
NORMALISING_ACTIONS = frozenset(
    {
        "profile_form",
        "action_answer_eligibility",
        "action_list_certifications",
        "action_answer_faq",
        "action_show_more",
        "action_ask_metier_id",
    }
)

#: Turns without a normalising action looked back at, at most (a long run of
#: « merci » / « bonjour » with profile facts is not worth more).
MAX_TURNS_CAUGHT_UP = 8

#: Slot where Rasa puts the metadata of the message that started the session.
METADATA_SLOT = "session_started_metadata"


# ----------------------------------------------------------------------------- helpers
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
            age = parse_int(previous_slot_value(tracker, "age"), 14, 99)  # keep a known one
        return {"age": str(age) if age is not None else None}

    def validate_avenant_date(self, value, dispatcher, tracker, domain):
        day = parse_date(value)
        return {"avenant_date": day.isoformat() if day else None}

    def validate_last_topic(self, value, dispatcher, tracker, domain):
        return {"last_topic": value if value in TOPICS else None}

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
    values = normalised_values(extracted_slots(tracker.events or [], _latest_user_index(tracker.events or [])), tracker)
    events: list[EventType] = [SlotSet(name, value) for name, value in values.items()]
    events += forget_old_target(tracker)
    return events + coherent_metier_events(tracker, events)


# -------------------------------------------------------------------------- catching up
def _latest_user_index(events: list[dict[str, Any]]) -> int:
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


def _block_end(events: list[dict[str, Any]], user_index: int) -> int:
    """The index after the slot events Rasa filled from the message at ``user_index``."""
    end = user_index + 1
    while end < len(events) and events[end].get("event") == "slot":
        end += 1
    return end


def _turn_starts(events: list[dict[str, Any]]) -> list[int]:
    return [i for i, e in enumerate(events) if e.get("event") == "user"]


def _normalised(events: Iterable[dict[str, Any]]) -> bool:
    return any(e.get("event") == "action" and e.get("name") in NORMALISING_ACTIONS for e in events)


def _view(tracker: Tracker, events: list[dict[str, Any]], user_index: int) -> Tracker:
    """The tracker as the checks of turn ``user_index`` would have seen it: the events up
    to the end of that turn's extraction, the slots at that point, its message as the
    latest one."""
    end = _block_end(events, user_index)
    before = events[:end]
    slots = dict(tracker.slots)
    later = {e.get("name") for e in events[end:] if e.get("event") == "slot"}
    for name in later:
        # The value at that point: its last event before, else unknown (initial value).
        slots[name] = next(
            (e.get("value") for e in reversed(before) if e.get("event") == "slot" and e.get("name") == name),
            None,
        )
    if "idcc" in later and slots.get("idcc") is None:
        slots["idcc"] = str(session_branch(tracker) or DEFAULT_IDCC)
    user = events[user_index]
    message = dict(user.get("parse_data") or {})
    message.setdefault("text", user.get("text"))
    return Tracker(
        sender_id=tracker.sender_id,
        slots=slots,
        latest_message=message,
        events=before,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _session_branch_events(tracker: Tracker, events: list[dict[str, Any]], horizon: int) -> list[EventType]:
    """``idcc`` from the session's metadata when nobody set the branch since the
    session started (the slots Rasa carries over into a new session do not count)."""
    idcc = session_branch(tracker)
    if idcc is None or str(tracker.get_slot("idcc")) == str(idcc):
        return []
    start = max((i for i, e in enumerate(events) if e.get("event") == "session_started"), default=-1)
    position = start + 1
    while start >= 0 and position < len(events) and events[position].get("event") == "slot":
        position += 1  # the carried-over slots
    if any(e.get("event") == "slot" and e.get("name") == "idcc" for e in events[position:horizon]):
        return []
    return [SlotSet("idcc", str(idcc))]


def _pending(tracker: Tracker, own_action: str | None) -> tuple[list[dict[str, Any]], list[int], int]:
    """The events to look at, the user events of the turns to catch up (oldest first)
    and the horizon (the end of the events that count as set later): see
    :func:`catch_up`."""
    events = list(tracker.applied_events())
    if own_action is not None:
        own = [i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == own_action]
        if own:
            events = events[: own[-1]]
    starts = _turn_starts(events)
    if not starts:
        return events, [], len(events)
    latest = starts[-1]
    checked_by_form = own_action is not None and not any(e.get("event") == "action" for e in events[latest + 1 :])
    horizon = _block_end(events, latest) if checked_by_form else len(events)
    pending: list[int] = []
    for start in reversed(starts[:-1] if checked_by_form else starts):
        end = next((s for s in starts if s > start), len(events))
        if _normalised(events[start:end]) or len(pending) >= MAX_TURNS_CAUGHT_UP:
            break
        if extracted_slots(events, start):
            pending.append(start)
    return events, pending[::-1], horizon


def catch_up(tracker: Tracker, own_action: str | None = None) -> list[EventType]:
    """The slot events that normalise the turns no normalising action ran in yet, oldest
    first, each checked with its own message; a value set again by a later turn is left
    alone. Only values that change are returned; ``tracker.slots`` is updated with them.

    ``own_action`` is the form when ``validate_profile_form`` asks: the events from its
    own ``ActionExecuted`` on are the form's, and when the form runs right after the
    message, rasa_sdk checks the latest turn's slots itself (they are left out here);
    after an interruption (« aide » while the form asks) it does not, and they are in.
    """
    events, pending, horizon = _pending(tracker, own_action)
    changes: dict[str, Any] = {}
    for event in _session_branch_events(tracker, events, horizon):
        changes[event["name"]] = event["value"]
        tracker.slots[event["name"]] = event["value"]
    for start in pending:
        view = _view(tracker, events, start)
        end = _block_end(events, start)
        later = {e.get("name") for e in events[end:horizon] if e.get("event") == "slot"}
        for event in normalise_turn(view):
            name = event["name"]
            if name in later or event["value"] == tracker.get_slot(name):
                continue
            changes[name] = event["value"]
            tracker.slots[name] = event["value"]
    return [SlotSet(name, value) for name, value in changes.items()]


def catch_up_rollback(tracker: Tracker, own_action: str | None = None) -> list[EventType]:
    """After a failure of :func:`catch_up`: both ``metier`` and ``metier_id`` back to
    their values before the oldest turn it had to check (or the latest message), when
    either changed since, so that they never point at two different métiers. Needs no
    core."""
    events, pending, _ = _pending(tracker, own_action)
    starts = _turn_starts(events)
    first = min([*pending, *starts[-1:]], default=len(events))
    previous = {
        slot: next(
            (e.get("value") for e in reversed(events[:first]) if e.get("event") == "slot" and e.get("name") == slot),
            None,
        )
        for slot in ("metier", "metier_id")
    }
    if all(tracker.get_slot(slot) == value for slot, value in previous.items()):
        return []
    return [SlotSet(slot, value) for slot, value in previous.items()]
