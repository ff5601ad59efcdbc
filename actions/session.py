"""Conversation start: keep the person's profile, and let the channel choose the branch.

Rasa runs ``action_session_start`` on the first message of a conversation (and after a
long silence, ``session_config`` in domain.yml). This custom version does what Rasa's
own does (a new session that keeps every slot, ``carry_over_slots_to_new_session``) and
one thing more: when the first message carries metadata ``{"idcc": 1404}`` (REST
``metadata``, or the ``metadata`` field of a socket.io ``user_uttered`` event), the
conversation starts in that branch instead of the default one (temporary work, IDCC
2378). An unknown branch is ignored.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_slots import parse_idcc

#: Slot where Rasa puts the metadata of the message that started the session.
METADATA_SLOT = "session_started_metadata"


def branch_from_metadata(metadata: Any) -> int | None:
    """The IDCC the channel asks for in the session metadata, or None."""
    if not isinstance(metadata, dict):
        return None
    return parse_idcc(metadata.get("idcc"))


class ActionSessionStart(Action):
    """``action_session_start`` with the branch chosen by the channel."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        # SessionStarted resets the slots: set again those that hold a value.
        events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        idcc = branch_from_metadata(tracker.get_slot(METADATA_SLOT))
        if idcc is not None:
            events.append(SlotSet("idcc", str(idcc)))
        events.append(ActionExecuted("action_listen"))
        return events
