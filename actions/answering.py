"""Custom actions that answer: eligibility, certification lists, « voir plus », FAQ, and
the question that asks which métier when several match.

Each action first normalises the slots no action has checked yet (the turn a FAQ or
« voir plus » answers, the greetings before it: actions/slot_checks.py), then reads the
slots, asks :mod:`bot` for an :class:`~bot.compose.Answer`, sends it rendered for the
input channel and sets the slots the next turns need (``last_topic``, ``list_offset``,
``metier_id``, ``faq_topic``). An unexpected error is logged and the person gets the
French « service problem » message; the conversation goes on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    apologise,
    assistant,
    change_explained,
    latest_intent,
    latest_text,
    log_failure,
    send_answer,
)
from actions.profile_slots import PROFILE_SLOTS, profile_from_tracker
from actions.slot_checks import catch_up, catch_up_rollback
from bot.compose import Answer
from bot.compose.parts import AnswerTopic
from bot.understanding.parse import parse_int

#: Topics of the ``last_topic`` slot (domain.yml): the core's answer topics.
ELIGIBILITY = AnswerTopic.ELIGIBILITY.value
CERTIFICATIONS = AnswerTopic.CERTIFICATIONS.value
FAQ = AnswerTopic.FAQ.value
#: The domain's intent of a question on the person's rights (« puis-je faire une Pro-A ? »).
ELIGIBILITY_INTENT = "ask_eligibility"
#: The domain's intent of a question on a list of certifications.
CERTIFICATIONS_INTENT = "ask_certifications"


@dataclass(frozen=True)
class TypedQuestion:
    """The latest message when it is a typed question the NLU read as one on the person's
    rights or on a list: the core routes it (:meth:`bot.service.Assistant.plan`)."""

    text: str
    kind: str  # the answer topic the NLU's intent stands for
    eligibility_asked: bool  # asks of the person's rights (a « puis-je… ? », a situation)


def typed_question(tracker: Tracker) -> TypedQuestion | None:
    """The latest message as a :class:`TypedQuestion` (None: a button, a fact given to the
    form, another intent)."""
    text = latest_text(tracker)
    if not text or text.startswith("/"):
        return None
    intent = latest_intent(tracker)
    if intent == ELIGIBILITY_INTENT:
        return TypedQuestion(text, ELIGIBILITY, assistant().asks_about_a_person(text))
    if intent == CERTIFICATIONS_INTENT:
        return TypedQuestion(text, CERTIFICATIONS, False)
    return None


class SafeAction(Action, ABC):
    """An action that answers with checked slots, and whose unexpected errors become a
    French apology, never a crash."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        checked = checked_slots(self.name(), tracker)
        try:
            return checked + self.act(dispatcher, tracker, domain)
        except Exception as error:
            log_failure(self.name(), error)
            apologise(dispatcher)
            return checked

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Do the work (exceptions are handled by :meth:`run`)."""


def checked_slots(name: str, tracker: Tracker) -> list[EventType]:
    """The slot events that normalise what no action checked yet (:func:`catch_up`),
    applied to ``tracker`` so that the answer reads them. If the check fails half-way,
    the métier and its id go back to their values before the message, together."""
    slots_before = dict(tracker.slots)
    try:
        return catch_up(tracker)
    except Exception as error:
        log_failure(name, error)
        tracker.slots = slots_before
        events = catch_up_rollback(tracker)
        tracker.slots.update({e["name"]: e["value"] for e in events})
        return events


def _list_events(answer: Answer, tracker: Tracker) -> list[EventType]:
    """Slots that follow an answer carrying a list: the next page and the métier found."""
    events: list[EventType] = []
    # The slot is a float in domain.yml; None: no list under way.
    offset = float(answer.next_offset) if answer.remaining else None
    if tracker.get_slot("list_offset") != offset:
        events.append(SlotSet("list_offset", offset))
    if answer.metier_id and tracker.get_slot("metier_id") != answer.metier_id:
        events.append(SlotSet("metier_id", answer.metier_id))
    return events


def nothing_new(tracker: Tracker) -> bool:
    """Whether the latest message is a bare « inform » that set no profile slot: the
    same answer would only be repeated, so the person is asked to rephrase instead."""
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") != "inform":
        return False
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    if last_user < 0:
        return False
    return not any(e.get("event") == "slot" and e.get("name") in PROFILE_SLOTS for e in events[last_user + 1 :])


def _topic_event(tracker: Tracker, topic: str) -> list[EventType]:
    return [] if tracker.get_slot("last_topic") == topic else [SlotSet("last_topic", topic)]


class ActionAnswerEligibility(SafeAction):
    """« Ai-je droit à la Pro-A ? » with what is known of the person."""

    def name(self) -> str:
        return "action_answer_eligibility"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if nothing_new(tracker):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        text = latest_text(tracker)
        profile = profile_from_tracker(tracker)
        question = typed_question(tracker)
        if question is not None and question.kind == ELIGIBILITY:
            # A typed question on the person's rights goes through the core's routing, as
            # `bot ask` does (Assistant.route): the engine answers a « puis-je… ? », unless
            # it asks a rule the engine does not decide (« sa Pro-A peut-elle durer plus de
            # 12 mois ? »); a question the NLU took for one on rights that neither asks « puis-je »
            # nor states a situation (« j'ai lu 5000 €…, c'est garanti ? ») is answered by its rule.
            answer = assistant().answer_message(
                text,
                profile,
                change_explained(tracker),
                context=previous_question(tracker),
                eligibility_asked=question.eligibility_asked,
            )
        else:  # the form's last answer, a button, a follow-up: what is known of the person
            # « et avec une licence ? » after « en 2025, j'avais droit… ? »: at that time.
            followed = assistant().person_follow_up(text, profile, previous_question(tracker)) if text else None
            answer = assistant().answer_eligibility(profile, change_explained(tracker), text, followed)
        events = send_answer(dispatcher, tracker, answer)
        topic = answer.topic if answer.topic in (ELIGIBILITY, CERTIFICATIONS) else FAQ
        return events + _topic_event(tracker, topic) + _list_events(answer, tracker)


class ActionListCertifications(SafeAction):
    """« Quelles certifications pour un cariste ? » (first page)."""

    def name(self) -> str:
        return "action_list_certifications"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if nothing_new(tracker):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        profile = profile_from_tracker(tracker)
        question = typed_question(tracker)
        if question is not None and question.kind == CERTIFICATIONS:
            # A typed question: the core's routing, as for `bot ask` (« qui met à jour la liste
            # des certifs ? » is answered by its rule, the form asked for no métier).
            answer = assistant().answer_message(
                question.text,
                profile,
                change_explained(tracker),
                kind=CERTIFICATIONS,
                context=previous_question(tracker),
            )
        else:  # the form's last answer (the métier), a button
            answer = assistant().answer_certifications(profile, offset=0, change_explained=change_explained(tracker))
        events = send_answer(dispatcher, tracker, answer)
        topic = CERTIFICATIONS if answer.topic in (ELIGIBILITY, CERTIFICATIONS) else FAQ
        return events + _topic_event(tracker, topic) + _list_events(answer, tracker)


class ActionShowMore(SafeAction):
    """« Voir plus »: the next page of the last list."""

    def name(self) -> str:
        return "action_show_more"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        offset = parse_int(tracker.get_slot("list_offset"), 1, 100000)
        if tracker.get_slot("last_topic") not in (ELIGIBILITY, CERTIFICATIONS):
            dispatcher.utter_message(response="utter_nothing_more")
            return []
        if offset is None:
            dispatcher.utter_message(response="utter_list_complete")
            return []
        answer = assistant().answer_certifications(
            profile_from_tracker(tracker), offset=offset, change_explained=change_explained(tracker)
        )
        events = send_answer(dispatcher, tracker, answer)
        return events + _list_events(answer, tracker)


def faq_topic_from_message(message: dict[str, Any], is_faq: bool = False) -> str | None:
    """The FAQ topic of a parsed message: a button's ``faq_topic`` entity, or the
    response selector's sub-intent when the message is a FAQ question (``is_faq`` forces
    reading the selector, e.g. for a message the fallback caught)."""
    for entity in reversed(message.get("entities") or []):
        if entity.get("entity") == "faq_topic" and entity.get("value"):
            return str(entity["value"])
    if not is_faq and (message.get("intent") or {}).get("name") != FAQ:
        return None
    selector = message.get("response_selector") or {}
    for key in (FAQ, "default"):
        response = (selector.get(key) or {}).get("response") or {}
        intent_response_key = response.get("intent_response_key")
        if intent_response_key and "/" in intent_response_key:
            return intent_response_key.split("/", 1)[1]
    return None


def last_bot_text(tracker: Tracker) -> str | None:
    """The text of the assistant's last message in the conversation, if any."""
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "bot" and event.get("text"):
            return str(event["text"])
    return None


def previous_question(tracker: Tracker) -> str | None:
    """The text the person typed before the latest message (None: nothing typed before)."""
    texts = [
        str(e.get("text") or "")
        for e in tracker.events or []
        if e.get("event") == "user" and e.get("text") and not str(e.get("text")).startswith("/")
    ]
    return texts[-2] if len(texts) >= 2 else None


def faq_topic_of(tracker: Tracker) -> str | None:
    """The FAQ topic asked in the latest message, else the last one asked (a context
    switch such as « et en SDLM ? » re-answers it)."""
    topic = faq_topic_from_message(tracker.latest_message or {})
    if topic:
        return topic
    slot = tracker.get_slot("faq_topic")
    return str(slot) if slot else None


class ActionAnswerFaq(SafeAction):
    """A FAQ question (durée, financement, tuteur…), answered from knowledge."""

    def name(self) -> str:
        return "action_answer_faq"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        topic = faq_topic_of(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        typed = bool(text.strip()) and not text.startswith("/")
        if (not topic and not typed) or nothing_new(tracker):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        profile = profile_from_tracker(tracker)
        if typed:
            # The rules that answer the question typed; the FAQ topic is only a hint.
            answer = assistant().answer_message(
                text, profile, change_explained(tracker), faq_topic=topic, context=previous_question(tracker)
            )
        else:  # a topic button: the topic's rules
            answer = assistant().answer_faq(str(topic), profile, change_explained(tracker))
        if typed and answer.text == last_bot_text(tracker):
            # A follow-up that changes nothing the answer reads: never the same answer twice.
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        events: list[EventType] = send_answer(dispatcher, tracker, answer)
        if topic and tracker.get_slot("faq_topic") != topic:
            events.append(SlotSet("faq_topic", topic))
        # A FAQ question asked while the form runs must not change what the form is for.
        if not (tracker.active_loop or {}).get("name"):
            events += _topic_event(tracker, FAQ)
        return events


class ActionResolveMetier(SafeAction):
    """Asks which métier (the form's question for ``metier_id``).

    When several métiers of the list match what the person typed, the core's answer
    names them and carries one button each (payload ``/inform{"metier_id": "…"}``); so
    does a métier not in the list that has close listed métiers. Otherwise the domain's
    question asks « quel est votre métier ? » again, with the CléA and the période de
    reconversion as ways out.
    """

    def name(self) -> str:
        return "action_ask_metier_id"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        profile = profile_from_tracker(tracker)
        # Without a target, the core's answer is only the question and the choices.
        answer = assistant().answer_certifications(
            profile.with_(target_diploma=None, target_level=None, metier_id=None)
        )
        if any(b.payload.startswith("/inform") for b in answer.choices):
            return send_answer(dispatcher, tracker, answer)
        dispatcher.utter_message(response="utter_ask_metier_id")
        return []
