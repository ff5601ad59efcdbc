"""Normalising the slots the NLU model extracted, without a call of its own.

Rasa fills the slots from the entities of every message (slot mappings of domain.yml);
the values are then turned into the codes the core reads (``"1404"``, ``"cdd"``, ISO
dates…), a new métier forgets the one chosen before (« et pour un chaudronnier ? »), an
age read in a phone number is dropped and a new question that names no target forgets
the old one (:mod:`actions.slot_normaliser`, with what the values are worth in
:mod:`bot.slot_values`). This used to be Rasa's ``action_validate_slot_mappings``: one
more call of the action server after every message (twice when the form started). It
now runs where a call is made anyway:

- ``validate_profile_form`` (actions/forms.py) for the turns that run the form;
- the answer actions (actions/answering.py) for the turns they answer first (a FAQ,
  « voir plus »), before they read the profile.

A turn that calls no action at all (« bonjour, je suis cariste », « merci ») keeps the
raw values for a while: the next of these actions **catches up** with it, replaying the
checks with that turn's own message (:func:`catch_up`), here. Until then nothing reads
them. The normaliser's names are re-exported, so that the actions import the slot
checks from this one module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.slot_normaliser import (
    NEW_QUESTION_INTENTS,
    SlotNormaliser,
    coherent_metier_events,
    extracted_slots,
    forget_old_target,
    metier_chosen_now,
    metier_id_settled_now,
    metier_typed_now,
    normalise_turn,
    normalised_values,
    plausible_metier_id,
    previous_slot_value,
    session_branch,
)
from bot.profile import DEFAULT_IDCC
from bot.slot_values import MAX_CANDIDATES_CHECKED, MAX_METIER_TEXT, TOPICS

__all__ = [
    "MAX_CANDIDATES_CHECKED",
    "MAX_METIER_TEXT",
    "MAX_TURNS_CAUGHT_UP",
    "NEW_QUESTION_INTENTS",
    "NORMALISING_ACTIONS",
    "TOPICS",
    "SlotNormaliser",
    "catch_up",
    "catch_up_rollback",
    "coherent_metier_events",
    "extracted_slots",
    "forget_old_target",
    "metier_chosen_now",
    "metier_id_settled_now",
    "metier_typed_now",
    "normalise_turn",
    "normalised_values",
    "plausible_metier_id",
    "previous_slot_value",
    "session_branch",
]

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


# -------------------------------------------------------------------------- catching up
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
