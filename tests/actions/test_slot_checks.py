"""Slot checks without a call of their own (issue 12): what ``action_validate_slot_mappings``
did after every message is done by the profile form and by the answer actions, and the
turns that call no action (« bonjour, je suis cariste ») are caught up with their own
message. Trackers are laid out as Rasa 3.6 sends them: the slots ``action_extract_slots``
filled follow the user event; the form's validation gets the form's ``ActionExecuted``
then the slots to check."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.answering import ActionAnswerEligibility, ActionAnswerFaq
from actions.forms import ValidateProfileForm
from actions.slot_checks import catch_up
from tests.actions.test_actions import DOMAIN, PROA_TIME, run, slot_events

CARISTE = "logistique-transport/logistique/magasinier-cariste"
SOUDEUR = "industrie/ajustage-montage-assemblage/soudeur"
PHONE_GREETING = "bonjour, je suis cariste en intérim, mon numéro est 06 12 34 56 78"


def _slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def _action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def _user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message = {"intent": {"name": intent, "confidence": 0.9}, "text": text, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": message}


def _tracker(events: list[dict[str, Any]], slots: dict[str, Any], active_loop: str | None = None) -> Tracker:
    """A tracker whose latest message is its last user event and whose slots are the
    domain's initial values with ``slots`` over them."""
    values = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
    values.update({"requested_slot": None, "idcc": "2378"}, **slots)
    latest = [e for e in events if e["event"] == "user"][-1]
    return Tracker(
        sender_id="test",
        slots=values,
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def _form_activation(before: list[dict[str, Any]], message: dict[str, Any], extracted: dict[str, Any], slots):
    """What ``validate_profile_form`` gets when the form starts on ``message``: the slots
    extracted from it (twice: Rasa extracts again at activation), then every known
    profile slot to check."""
    prefilled = {name: value for name, value in slots.items() if value is not None and name != "last_topic"}
    events = [
        *before,
        message,
        *[_slot(n, v) for n, v in extracted.items()],
        {"event": "active_loop", "name": "profile_form"},
        *[_slot(n, v) for n, v in extracted.items()],
        _slot("requested_slot", None),
        _action("profile_form"),
        *[_slot(n, v) for n, v in prefilled.items()],
    ]
    return _tracker(events, slots, active_loop="profile_form")


def test_no_call_is_made_for_the_slot_mappings() -> None:
    # Rasa calls action_validate_slot_mappings after every message when the domain lists it.
    assert "action_validate_slot_mappings" not in DOMAIN["actions"]


def test_the_form_normalises_what_was_extracted_from_its_first_message(monkeypatch) -> None:
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    message = _user("en CDD en SDLM, ai-je droit à la Pro-A ?", "ask_eligibility")
    extracted = {"idcc": "SDLM", "contract": "CDD", "last_topic": "eligibility"}
    tracker = _form_activation([], message, extracted, {**extracted})
    _, events = run(ValidateProfileForm(), tracker)
    slots = slot_events(events)
    assert slots["idcc"] == "1404" and slots["contract"] == "cdd"


def test_the_form_forgets_the_old_target_on_a_new_question(monkeypatch) -> None:
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    message = _user(
        "quelles certifications pour un soudeur ?", "ask_certifications", [{"entity": "metier", "value": "soudeur"}]
    )
    before = [
        _user("puis-je viser un BTS ?", "ask_eligibility"),
        _slot("target_diploma", "bts"),
        _action("profile_form"),
    ]
    extracted = {"metier": "soudeur", "last_topic": "certifications"}
    tracker = _form_activation(before, message, extracted, {**extracted, "target_diploma": "bts"})
    _, events = run(ValidateProfileForm(), tracker)
    slots = slot_events(events)
    assert "target_diploma" in slots and slots["target_diploma"] is None
    # a follow-up keeps it
    message = _user("et pour un soudeur ?", "inform", [{"entity": "metier", "value": "soudeur"}])
    tracker = _form_activation(before, message, {"metier": "soudeur"}, {"metier": "soudeur", "target_diploma": "bts"})
    _, events = run(ValidateProfileForm(), tracker)
    assert slot_events(events).get("target_diploma", "bts") == "bts"


def _greeting_then() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A welder's list answered, then a greeting that names another job (cariste), the
    branch in words and a phone number, answered by a response only (no action call)."""
    cariste = {
        "entity": "metier",
        "value": "cariste",
        "start": 18,
        "end": 25,
        "metier_status": {"2378": "matched"},
        "candidates": {"2378": [CARISTE]},
    }
    phone_age = {"entity": "age", "value": "34", "start": 58, "end": 60}
    events = [
        _user("quelles certifications pour un soudeur ?", "ask_certifications"),
        _slot("metier", "soudeur"),
        _action("profile_form"),
        _slot("metier_id", SOUDEUR),
        _action("action_list_certifications"),
        _action("action_listen"),
        _user(PHONE_GREETING, "greet", [cariste, phone_age]),
        _slot("idcc", "intérim"),
        _slot("metier", "cariste"),
        _slot("age", "34"),
        _action("utter_greet"),
        {"event": "bot", "text": "Bonjour !"},
        _action("action_listen"),
    ]
    slots = {"idcc": "intérim", "metier": "cariste", "metier_id": SOUDEUR, "age": "34"}
    return events, slots


def test_the_form_catches_up_with_a_greeting_that_called_no_action(monkeypatch) -> None:
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    before, slots = _greeting_then()
    message = _user("ai-je droit à la Pro-A ?", "ask_eligibility")
    tracker = _form_activation(before, message, {"last_topic": "eligibility"}, {**slots, "last_topic": "eligibility"})
    _, events = run(ValidateProfileForm(), tracker)
    checked = slot_events(events)
    # read with the greeting's own message: the branch in words, the new job and the id
    # the core settled on, no age from the phone number
    assert checked["idcc"] == "2378"
    assert checked["metier"] == "cariste" and checked["metier_id"] == CARISTE
    assert checked["age"] is None
    # and the form goes on to ask what eligibility still misses
    assert checked["requested_slot"] == "contract"


def test_an_answer_action_catches_up_before_it_answers(monkeypatch) -> None:
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    before, slots = _greeting_then()
    events = [
        *before,
        _user("qui finance la formation ?", "faq"),
    ]
    tracker = _tracker(events, slots)
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": "faq/funding"}},
    }
    messages, result = run(ActionAnswerFaq(), tracker)
    checked = slot_events(result)
    assert checked["idcc"] == "2378" and checked["metier_id"] == CARISTE and checked["age"] is None
    assert checked["faq_topic"] == "funding"
    assert messages and messages[0].get("response") != "utter_service_error"


def test_an_answer_action_normalises_its_own_message() -> None:
    # « et en SDLM, combien de temps ? » answered by the FAQ action first
    events = [_user("et en SDLM, combien de temps ?", "faq"), _slot("idcc", "SDLM")]
    tracker = _tracker(events, {"idcc": "SDLM"})
    assert slot_events(catch_up(tracker)) == {"idcc": "1404"}
    assert tracker.get_slot("idcc") == "1404"


def test_a_value_set_again_later_is_not_overwritten() -> None:
    events = [
        _user("bonjour, je suis en CDD", "greet"),
        _slot("contract", "CDD"),
        _action("utter_greet"),
        _action("action_listen"),
        _user("non, en CDI intérimaire", "deny"),
        _slot("contract", "cdi_interimaire"),
        _action("utter_anything_else"),
        _action("action_listen"),
        _user("combien de temps ?", "faq"),
    ]
    tracker = _tracker(events, {"contract": "cdi_interimaire"})
    assert catch_up(tracker) == []


def test_turns_already_checked_are_not_checked_again() -> None:
    events = [
        _user("je suis en CDD", "inform"),
        _slot("contract", "CDD"),
        _action("profile_form"),  # the form checked this turn (its events are not here)
        _action("action_listen"),
        _user("combien de temps ?", "faq"),
    ]
    assert catch_up(_tracker(events, {"contract": "CDD"})) == []


def test_the_form_checks_a_message_that_interrupted_it(monkeypatch) -> None:
    # « aide, je suis en CDD » while the form asks the contract: the help response, then
    # the form again, which Rasa does not ask to check the turn's slots.
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    events = [
        _user("ai-je droit à la Pro-A ?", "ask_eligibility"),
        _slot("last_topic", "eligibility"),
        _action("profile_form"),
        _slot("requested_slot", "contract"),
        _action("action_listen"),
        _user("aide, je suis en CDD", "help"),
        _slot("contract", "CDD"),
        _action("utter_help"),
        _slot("requested_slot", "contract"),
        _action("profile_form"),
    ]
    tracker = _tracker(events, {"contract": "CDD", "last_topic": "eligibility"}, active_loop="profile_form")
    _, result = run(ValidateProfileForm(), tracker)
    checked = slot_events(result)
    assert checked["contract"] == "cdd"
    assert checked["requested_slot"] is None  # nothing is missing any more


def test_the_branch_of_the_session_metadata_applies_until_the_person_names_one(monkeypatch) -> None:
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    start = [
        _action("action_session_start"),
        {"event": "session_started"},
        _slot("session_started_metadata", {"idcc": 1404}),
        _action("action_listen"),
    ]
    metadata = {"session_started_metadata": {"idcc": 1404}}
    tracker = _tracker([*start, _user("combien de temps dure la formation ?", "faq")], metadata)
    assert slot_events(catch_up(tracker)) == {"idcc": "1404"}
    # a branch named in the conversation wins
    events = [*start, _user("et en intérim ?", "inform"), _slot("idcc", "2378"), _action("profile_form")]
    events += [_action("action_listen"), _user("combien de temps ?", "faq")]
    assert catch_up(_tracker(events, {**metadata, "idcc": "2378"})) == []
    # an unknown branch is ignored
    tracker = _tracker([*start, _user("bonjour", "greet")], {"session_started_metadata": {"idcc": 9999}})
    assert catch_up(tracker) == []
    # the answer reads the branch of the metadata
    tracker = _tracker([*start, _user("ai-je droit à la Pro-A ?", "ask_eligibility")], metadata)
    tracker.slots["contract"] = "cdi"
    messages, result = run(ActionAnswerEligibility(), tracker)
    assert slot_events(result)["idcc"] == "1404"
    assert messages and messages[0].get("response") != "utter_service_error"


def test_a_broken_core_rolls_the_metier_back_and_the_answer_still_comes(monkeypatch) -> None:
    from actions import common

    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("core down")

    before, slots = _greeting_then()
    tracker = _tracker([*before, _user("voir plus", "show_more")], slots)
    common.set_assistant(Broken())
    from actions.answering import ActionShowMore

    messages, result = run(ActionShowMore(), tracker)
    # the métier text changed in an unchecked turn: both go back to the welder, together
    assert slot_events(result) == {"metier": "soudeur", "metier_id": SOUDEUR}
    assert messages
