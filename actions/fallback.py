"""French replacement of Rasa's ``action_default_ask_affirmation``.

The two-stage fallback (``action_two_stage_fallback``) first asks the person to confirm
the most likely intent. Rasa's built-in action writes « Did you mean '…'? » in English;
this one sends a French question from domain.yml (``utter_ask_affirmation_<intent>``)
whose « Oui » button replays the intent with the entities already understood, and whose
« Non » button goes on with the fallback (``/out_of_scope``, as Rasa expects).
Intents without such a question are asked to be rephrased.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import faq_topic_from_message
from actions.common import log_failure
from bot.understanding.faq_topics import default_faq_topics

FALLBACK_INTENT = "nlu_fallback"

#: Intents with an ``utter_ask_affirmation_<intent>`` response in domain.yml.
AFFIRMABLE_INTENTS = {"ask_eligibility", "ask_certifications", "show_more", "help", "inform"}

#: FAQ topics with an ``utter_ask_affirmation_faq_<topic>`` response in domain.yml
#: (``affirmable: true`` in knowledge/faq_topics.yml).
AFFIRMABLE_FAQ_TOPICS = default_faq_topics().affirmable

#: Entities a payload can carry again (payloads have no roles).
REPLAYED_ENTITIES = ("contract", "metier", "branch", "age", "date")


def intent_to_affirm(latest_message: dict[str, Any]) -> str | None:
    """The intent to confirm: the best one after ``nlu_fallback``."""
    intent = (latest_message.get("intent") or {}).get("name")
    ranking = latest_message.get("intent_ranking") or []
    if intent == FALLBACK_INTENT:
        others = [r.get("name") for r in ranking if r.get("name") != FALLBACK_INTENT]
        intent = others[0] if others else None
    return intent


def replay_payload(intent: str, latest_message: dict[str, Any]) -> str:
    """``/intent{"entity": "value"}`` with the role-less entities of the message."""
    entities: dict[str, Any] = {}
    for entity in latest_message.get("entities") or []:
        name = entity.get("entity")
        if name in REPLAYED_ENTITIES and not entity.get("role") and entity.get("value") is not None:
            entities[name] = entity["value"]
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


class ActionDefaultAskAffirmation(Action):
    """Asks, in French, whether the most likely intent is the right one."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            message = tracker.latest_message or {}
            intent = intent_to_affirm(message)
            if intent == "faq":
                topic = faq_topic_from_message(message, is_faq=True)
                if topic in AFFIRMABLE_FAQ_TOPICS:
                    payload = "/faq" + json.dumps({"faq_topic": topic})
                    dispatcher.utter_message(response=f"utter_ask_affirmation_faq_{topic}", yes_payload=payload)
                    return []
            elif intent in AFFIRMABLE_INTENTS:
                dispatcher.utter_message(
                    response=f"utter_ask_affirmation_{intent}",
                    yes_payload=replay_payload(intent, message),
                )
                return []
        except Exception as error:
            log_failure(self.name(), error)
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
