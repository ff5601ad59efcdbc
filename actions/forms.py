"""The profile form.

``validate_profile_form`` drives ``profile_form``: it asks only what the answer to the
current question (slot ``last_topic``) is missing, as the core says in
``Answer.missing``. Eligibility usually needs the contract; a certification list needs
the métier; a FAQ needs nothing.

It also normalises what the NLU model extracted (actions/slot_checks.py): the codes the
core reads, a new métier that forgets the one chosen before, the old target forgotten
by a new question, and the turns without any action call since the last check (« bonjour,
je suis mécanicien en SDLM » before « ai-je droit à la Pro-A ? »). Rasa's own
``action_validate_slot_mappings`` did it before, at the cost of one more call per message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answering import CERTIFICATIONS, ELIGIBILITY, FAQ, previous_question, typed_question
from actions.common import assistant, latest_entities, latest_intent, latest_text, log_failure
from actions.profile_slots import PROFILE_SLOTS, profile_from_tracker
from actions.slot_checks import (
    MAX_METIER_TEXT,
    SlotNormaliser,
    catch_up,
    catch_up_rollback,
    coherent_metier_events,
    forget_old_target,
    metier_chosen_now,
    metier_id_settled_now,
    metier_typed_now,
    previous_slot_value,
)
from bot.profile import Profile

#: Intents whose text may be the métier itself when the form asks for it.
FREE_TEXT_INTENTS = {"inform", "nlu_fallback", "ask_certifications", "ask_eligibility"}

#: Intents the form handles itself even when they carry no profile fact: a new question
#: (the form goes on for it) or an answer it did not understand (it asks again).
#: Other intents (FAQ, help…) interrupt the form and are handled by rules.
KEEP_FORM_INTENTS = {"ask_eligibility", "ask_certifications", "inform"}

#: Names the core may put in ``Answer.missing`` → slots the form asks, in order.
MISSING_TO_SLOTS = {
    "contract": ("contract",),
    "metier": ("metier",),
    "metier_text": ("metier",),
    "metier_id": ("metier", "metier_id"),
    "idcc": ("idcc",),
}


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


def form_profile(tracker: Tracker) -> Profile:
    """The profile the form asks for, with the métier id the NLU settled on for a métier
    typed now (:func:`metier_id_settled_now`): rasa_sdk asks for the required slots
    before the slot checks set that id too, and the métier is then not matched again."""
    profile = profile_from_tracker(tracker)
    settled = metier_id_settled_now(tracker)
    return profile.with_(metier_id=settled) if settled and settled != profile.metier_id else profile


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
        profile = form_profile(tracker)
        missing = assistant().missing_for(topic_of(tracker), profile)
        if missing and not question_needs_profile(tracker, profile):
            missing = ()  # a rule answers the question typed: nothing to ask
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
        previous = previous_slot_value(tracker, "metier")
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

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa_sdk's checks of the slots extracted this turn, plus what
        ``action_validate_slot_mappings`` did: the earlier turns no action checked
        (:func:`catch_up`, each with its own message; they win over the re-check of
        their raw values with this message), the old target forgotten by a new
        question, and the métier id made to agree with the métier. All before the form
        picks the slot it asks next."""
        earlier = catch_up(tracker, own_action=self.form_name())
        events = await super().get_validation_events(dispatcher, tracker, domain)
        values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        for event in earlier:
            values[event["name"]] = event["value"]
        tracker.slots.update(values)
        checked: list[EventType] = [SlotSet(name, value) for name, value in values.items()]
        forgotten = forget_old_target(tracker)
        tracker.slots.update({e["name"]: e["value"] for e in forgotten})
        checked += forgotten
        coherent = coherent_metier_events(tracker, checked)
        tracker.slots.update({e["name"]: e["value"] for e in coherent})
        return checked + coherent

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        slots_before = dict(tracker.slots)
        try:
            events = await super().run(dispatcher, tracker, domain)
        except Exception as error:
            log_failure(self.name(), error)
            tracker.slots = slots_before
            return [*catch_up_rollback(tracker, self.form_name()), SlotSet("requested_slot", None)]
        extra: list[EventType] = []
        if tracker.get_slot("last_topic") not in (ELIGIBILITY, CERTIFICATIONS, FAQ):
            # A bare profile fact (« je suis cariste ») is taken as an eligibility question.
            extra.append(SlotSet("last_topic", ELIGIBILITY))
        elif latest_intent(tracker) in KEEP_FORM_INTENTS and not _sets_profile_slot(events):
            # Without a slot event Rasa would reject the form; keep it going instead.
            extra.append(SlotSet("last_topic", tracker.get_slot("last_topic")))
        return events + extra


def question_needs_profile(tracker: Tracker, profile: Profile) -> bool:
    """Whether the answer to the latest message reads what the form asks: not for a typed
    question that a rule answers (« qui met à jour la liste des certifs ? », « une Pro-A
    pouvait-elle durer 30 mois en 2024 ? »), which the core routes as the answer action will
    (:meth:`bot.service.Assistant.needs_profile`)."""
    question = typed_question(tracker)
    if question is None:
        return True
    return assistant().needs_profile(
        question.text,
        profile,
        kind=question.kind,
        context=previous_question(tracker),
        eligibility_asked=question.eligibility_asked,
    )


def _sets_profile_slot(events: list[EventType]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") != "requested_slot" for e in events)
