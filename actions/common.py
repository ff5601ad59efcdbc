"""Helpers shared by the custom actions: the core singleton, sending an answer, and the
safety net that turns an unexpected error into a French apology.

The actions stay thin: they read slots, call :mod:`bot`, send what the core built and
set slots. Everything a person reads comes from the core's answers or from domain.yml.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.render import render_for_channel

logger = logging.getLogger(__name__)

#: Domain response sent when an action fails.
SERVICE_ERROR_RESPONSE = "utter_service_error"

_assistant: Optional[Any] = None


def assistant() -> Any:
    """The process-wide :class:`bot.service.Assistant` (knowledge loaded on first use)."""
    global _assistant
    if _assistant is None:
        from bot.service import Assistant

        _assistant = Assistant.default()
    return _assistant


def set_assistant(value: Optional[Any]) -> None:
    """Replace the assistant (tests); ``None`` goes back to the default one."""
    global _assistant
    _assistant = value


#: Slot that remembers that the 2026 change was explained in this conversation (domain.yml).
CHANGE_SLOT = "change_2026_explained"


def change_explained(tracker: Tracker) -> bool:
    """Whether an earlier answer of this conversation explained the 2026 change."""
    return tracker.get_slot(CHANGE_SLOT) is True


def send_answer(dispatcher: CollectingDispatcher, tracker: Tracker, answer: Any) -> List[EventType]:
    """Send one core answer, rendered for the channel the person writes from.

    Returns the event that records that the 2026 change has now been explained (kept in
    the tracker, so it survives a restart), or nothing."""
    channel = tracker.get_latest_input_channel()
    for message in render_for_channel(answer.to_payload(), channel):
        dispatcher.utter_message(**message)
    if getattr(answer, "change_explained", False) and not change_explained(tracker):
        return [SlotSet(CHANGE_SLOT, True)]
    return []


def log_failure(action_name: str, error: BaseException) -> None:
    """Log an action failure without the exception message (it may quote the user)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("Action %s failed with %s\n%s", action_name, type(error).__name__, frames)


def apologise(dispatcher: CollectingDispatcher) -> None:
    """Tell the person, in French, that the service has a problem."""
    dispatcher.utter_message(response=SERVICE_ERROR_RESPONSE)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_entities(tracker: Tracker, entity: str) -> List[Dict[str, Any]]:
    """Entities of one type in the latest user message."""
    return [e for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == entity]


def latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def first(values: Iterable[Any]) -> Optional[Any]:
    return next(iter(values), None)


def warm_up() -> None:
    """Load the knowledge and the métier matchers (the first match loads spaCy, which
    takes seconds) so that the first person does not wait. Errors are only logged: the
    actions report them in French when they happen again."""
    try:
        core = assistant()
        for idcc in sorted(getattr(core.kb, "branches", {})):
            core.match_metier("cariste", idcc)
    except Exception as error:  # noqa: BLE001
        log_failure("warm_up", error)
