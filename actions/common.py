"""Helpers shared by the custom actions: the core singleton, sending an answer, and the
safety net that turns an unexpected error into a French apology.

The actions stay thin: they read slots, call :mod:`bot`, send what the core built and
set slots. Everything a person reads comes from the core's answers or from domain.yml.
"""

from __future__ import annotations

import logging
import traceback
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.metrics import count_answer
from actions.rendering import render_for_channel
from bot.compose import Answer
from bot.feedback import attach_offer
from bot.lexicon import read_word_file
from bot.metier_finder import WARM_UP_FILE
from bot.outcomes import ANSWER_METADATA, answer_record
from bot.profile import Profile
from bot.service import Assistant

logger = logging.getLogger(__name__)

#: Domain response sent when an action fails.
SERVICE_ERROR_RESPONSE = "utter_service_error"

_assistant: Assistant | None = None


def assistant() -> Assistant:
    """The process-wide :class:`bot.service.Assistant` (knowledge loaded on first use)."""
    global _assistant
    if _assistant is None:
        _assistant = Assistant.default()
    return _assistant


def set_assistant(value: Assistant | None) -> None:
    """Replace the assistant (tests); ``None`` goes back to the default one."""
    global _assistant
    _assistant = value


#: Slot that remembers that the 2026 change was explained in this conversation (domain.yml).
CHANGE_SLOT = "change_2026_explained"


def change_explained(tracker: Tracker) -> bool:
    """Whether an earlier answer of this conversation explained the 2026 change."""
    return tracker.get_slot(CHANGE_SLOT) is True


def send_answer(dispatcher: CollectingDispatcher, tracker: Tracker, answer: Answer) -> list[EventType]:
    """Send one core answer, rendered for the channel the person writes from.

    Returns the event that records that the 2026 change has now been explained (kept in
    the tracker, so it survives a restart), or nothing."""
    channel = tracker.get_latest_input_channel()
    payload = answer.to_payload()
    count_answer(payload, channel)
    record = answer_record(payload)
    # « Cette réponse vous aide ? » under every answer, its buttons naming this answer
    # (bot/feedback.py; actions/feedback.py records a click).
    attach_offer(payload, record)
    for index, message in enumerate(render_for_channel(payload, channel)):
        # What the answer was stays in the bot event's metadata (not sent to the channel),
        # for `bot review` and the feedback, on every channel (bot/outcomes.py).
        extra = {ANSWER_METADATA: record} if index == 0 else {}
        dispatcher.utter_message(**message, **extra)
    if answer.change_explained and not change_explained(tracker):
        return [SlotSet(CHANGE_SLOT, True)]
    return []


class GuardedAction(Action, ABC):
    """An action whose unexpected errors become a French apology, never a crash (for the
    actions that read no profile slot: feedback, details)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            self.act(dispatcher, tracker)
        except Exception as error:
            log_failure(self.name(), error)
            apologise(dispatcher)
        return []

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Do the work (exceptions are handled by :meth:`run`)."""


def log_failure(action_name: str, error: BaseException) -> None:
    """Log an action failure without the exception message (it may quote the user)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("Action %s failed with %s\n%s", action_name, type(error).__name__, frames)


def apologise(dispatcher: CollectingDispatcher) -> None:
    """Tell the person, in French, that the service has a problem."""
    dispatcher.utter_message(response=SERVICE_ERROR_RESPONSE)


def latest_intent(tracker: Tracker) -> str | None:
    """The intent name of the latest user message, if any."""
    name = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return name if isinstance(name, str) else None


def latest_entities(tracker: Tracker, entity: str) -> list[dict[str, Any]]:
    """Entities of one type in the latest user message."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [e for e in entities if isinstance(e, dict) and e.get("entity") == entity]


def latest_text(tracker: Tracker) -> str:
    """The text of the latest user message, stripped (empty when none)."""
    text = (tracker.latest_message or {}).get("text")
    return text.strip() if isinstance(text, str) else ""


def warm_up() -> None:
    """Load the knowledge and the métier matchers (the first match loads spaCy, which
    takes seconds) so that the first person does not wait. Errors are only logged: the
    actions report them in French when they happen again."""
    try:
        core = assistant()
        for idcc in sorted(core.kb.branches):
            core.match_metier("cariste", idcc)
        # The rule finder and the verb tables the question reader folds are built on first use.
        for text in read_word_file(WARM_UP_FILE).get("rule_messages", ()):
            core.search_rules(text, Profile())
    except Exception as error:
        log_failure("warm_up", error)
