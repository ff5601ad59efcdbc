"""Custom actions with rasa_sdk's Tracker and CollectingDispatcher, on the real core.

Dates are fixed with PROA_TODAY: 2025-06-01 (a Pro-A can still start, the contract
matters) or 2026-11-23 (période de reconversion).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.answering import (
    ActionAnswerEligibility,
    ActionAnswerFaq,
    ActionListCertifications,
    ActionResolveMetier,
    ActionShowMore,
)
from actions.fallback import ActionDefaultAskAffirmation
from actions.forms import ValidateProfileForm
from actions.profile_slots import profile_from_slots
from actions.slot_checks import SlotNormaliser, normalise_turn
from bot.profile import Profile
from bot.understanding.parse import parse_date

PROA_TIME = "2025-06-01"
RECONVERSION_TIME = "2026-11-23"

#: The assistant's real domain, as the action server receives it from Rasa.
DOMAIN: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
)
FORM_SLOTS: list[str] = list(DOMAIN["forms"]["profile_form"]["required_slots"])


def make_tracker(
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    channel: str | None = None,
    after: list[dict[str, Any]] | None = None,
) -> Tracker:
    all_slots = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
    all_slots["requested_slot"] = None
    all_slots["idcc"] = "2378"
    all_slots.update(slots or {})
    message = {"intent": {"name": intent, "confidence": 0.9}, "text": text, "entities": entities or []}
    message.update(extra or {})
    user_event = {"event": "user", "text": text, "parse_data": message}
    if channel:
        user_event["input_channel"] = channel
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message=message,
        events=(events or []) + [user_event] + (after or []),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker: Tracker, domain: dict[str, Any] | None = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or DOMAIN))
    return dispatcher.messages, events


def slot_events(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


# --- eligibility ----------------------------------------------------------------------


def test_eligibility_is_answered(monkeypatch, real_assistant):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    slots = {"contract": "cdi_interimaire", "metier": "cariste", "last_topic": "eligibility"}
    messages, events = run(ActionAnswerEligibility(), make_tracker(slots, intent="ask_eligibility"))
    expected = real_assistant.answer_eligibility(
        Profile(contract="cdi_interimaire", metier_text="cariste", today=parse_date(PROA_TIME))
    )
    assert expected.verdict == "eligible"
    assert texts(messages) == expected.text
    assert "Oui" in texts(messages)
    assert slot_events(events).get("metier_id") == expected.metier_id


def test_eligibility_in_2026_says_proa_cannot_start(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    messages, events = run(
        ActionAnswerEligibility(), make_tracker({"contract": "cdi_interimaire"}, intent="ask_eligibility")
    )
    assert "période de reconversion" in texts(messages)
    assert slot_events(events)["last_topic"] == "eligibility"


def test_a_typed_eligibility_question_on_a_rule_the_engine_does_not_decide_gets_that_rule(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    text = "je suis en CDI intérimaire, ma Pro-A signée en 2025 : l'OPCO prend combien par heure de formation ?"
    tracker = make_tracker({"contract": "cdi_interimaire"}, intent="ask_eligibility", text=text, channel="rest")
    messages, events = run(ActionAnswerEligibility(), tracker)
    custom = messages[0]["custom"]
    assert custom["understood"]["rules"][0] == "idcc2378.funding"
    assert "17 €" in custom["verdict_line"]
    assert slot_events(events)["last_topic"] == "faq"


def test_a_typed_question_on_the_persons_rights_stays_the_engines(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker({}, intent="ask_eligibility", text="puis-je me former ?", channel="rest")
    messages, events = run(ActionAnswerEligibility(), tracker)
    assert messages[0]["custom"]["topic"] == "eligibility"
    assert slot_events(events)["last_topic"] == "eligibility"


def test_rest_channel_gets_the_structured_answer(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    tracker = make_tracker({"contract": "cdd"}, intent="ask_eligibility", channel="rest")
    messages, _ = run(ActionAnswerEligibility(), tracker)
    assert messages[0]["custom"]["type"] == "proa_answer"
    assert messages[0]["custom"]["verdict"] == "not_eligible"


# --- the form asks only what is missing -------------------------------------------


def test_form_asks_the_contract_when_eligibility_needs_it(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    tracker = make_tracker({"last_topic": "eligibility"}, intent="ask_eligibility", text="suis-je éligible ?")
    _, events = run(ValidateProfileForm(), tracker)
    assert SlotSet("requested_slot", "contract") in events


def test_form_asks_nothing_for_eligibility_in_2026(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker({"last_topic": "eligibility"}, intent="ask_eligibility", text="suis-je éligible ?")
    _, events = run(ValidateProfileForm(), tracker)
    assert SlotSet("requested_slot", None) in events


def test_form_asks_the_job_for_certifications(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker({"last_topic": "certifications"}, intent="ask_certifications", text="quelles formations ?")
    _, events = run(ValidateProfileForm(), tracker)
    assert SlotSet("requested_slot", "metier") in events


def test_form_asks_no_job_for_a_question_about_the_list(monkeypatch):
    # « who keeps the list up to date? » names the list, asks a rule: no métier to ask.
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    text = "qui tient à jour la liste des certifs de la branche ?"
    slots = {"last_topic": "certifications", "idcc": "1404"}
    _, events = run(ValidateProfileForm(), make_tracker(slots, intent="ask_certifications", text=text))
    assert SlotSet("requested_slot", None) in events
    tracker = make_tracker(slots, intent="ask_certifications", text=text, channel="rest")
    messages, events = run(ActionListCertifications(), tracker)
    assert messages[0]["custom"]["understood"]["rules"][0] == "idcc1404.certification_list"
    assert slot_events(events)["last_topic"] == "faq"


def test_form_asks_no_contract_for_a_question_on_how_the_proa_works(monkeypatch):
    # A question on a rule, which the NLU may take for one on the person's rights: in the
    # Pro-A's time, the person's rights would need the contract.
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    slots = {"last_topic": "eligibility"}
    text = "combien de temps dure une pro-a au maximum ?"
    _, events = run(ValidateProfileForm(), make_tracker(slots, intent="ask_eligibility", text=text))
    assert SlotSet("requested_slot", None) in events
    # « ai-je droit à la pro-a ? » asks of the person: the contract first.
    _, events = run(
        ValidateProfileForm(), make_tracker(slots, intent="ask_eligibility", text="ai-je droit à la pro-a ?")
    )
    assert SlotSet("requested_slot", "contract") in events


def test_form_takes_the_whole_answer_as_the_job(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"last_topic": "certifications", "requested_slot": "metier"}
    _, events = run(ValidateProfileForm(), make_tracker(slots, intent="inform", text="chaudronnier"))
    assert slot_events(events)["metier"] == "chaudronnier"
    assert slot_events(events)["requested_slot"] is None


def test_form_completes_an_ambiguous_job_with_the_answer(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    # The NLU model found « industrie » as a métier; the slot held « électricien » before.
    before = [{"event": "slot", "name": "metier", "value": "électricien"}]
    slots = {"last_topic": "certifications", "metier": "industrie", "requested_slot": "metier_id"}
    entities = [{"entity": "metier", "value": "industrie"}]
    candidate = [{"event": "slot", "name": "metier", "value": "industrie"}]  # added by the form
    tracker = make_tracker(
        slots, intent="ask_certifications", text="industrie", entities=entities, events=before, after=candidate
    )
    _, events = run(ValidateProfileForm(), tracker)
    assert slot_events(events)["metier"] == "électricien industrie"
    assert slot_events(events)["requested_slot"] is None

    # A métier of its own is not glued to the previous one.
    slots["metier"] = "soudeur"
    candidate = [{"event": "slot", "name": "metier", "value": "soudeur"}]
    entities = [{"entity": "metier", "value": "soudeur"}]
    tracker = make_tracker(slots, text="soudeur", entities=entities, events=before, after=candidate)
    _, events = run(ValidateProfileForm(), tracker)
    assert slot_events(events)["metier"] == "soudeur"


def test_form_asks_which_job_when_ambiguous(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"last_topic": "certifications", "metier": "électricien"}
    entities = [{"entity": "metier", "value": "électricien"}]
    tracker = make_tracker(slots, intent="ask_certifications", text="formations pour électricien", entities=entities)
    _, events = run(ValidateProfileForm(), tracker)
    assert SlotSet("requested_slot", "metier_id") in events


def test_bare_fact_is_taken_as_an_eligibility_question(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"metier": "cariste"}
    tracker = make_tracker(slots, text="je suis cariste", entities=[{"entity": "metier", "value": "cariste"}])
    _, events = run(ValidateProfileForm(), tracker)
    assert slot_events(events)["last_topic"] == "eligibility"


# --- métier: ambiguity, choice, change ------------------------------------------------


def test_ambiguous_job_gives_buttons(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker({"metier": "électricien", "last_topic": "certifications", "requested_slot": "metier_id"})
    messages, events = run(ActionResolveMetier(), tracker)
    buttons = messages[0]["buttons"]
    assert len(buttons) >= 2
    for button in buttons:
        assert button["payload"].startswith('/inform{"metier_id": ')
        assert json.loads(button["payload"][len("/inform") :])["metier_id"]
    assert events == []


def test_unknown_job_is_asked_again(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker({"metier": "zzzz", "last_topic": "certifications", "requested_slot": "metier_id"})
    messages, _ = run(ActionResolveMetier(), tracker)
    assert messages[0]["response"] == "utter_ask_metier_id"


def test_new_job_forgets_the_job_chosen_before():
    tracker = make_tracker(
        {"metier": "chaudronnier", "metier_id": "btp/electricite/electricien-batiment"},
        text="et pour un chaudronnier ?",
        entities=[{"entity": "metier", "value": "chaudronnier"}],
    )
    validated = SlotNormaliser().validate_metier("chaudronnier", CollectingDispatcher(), tracker, DOMAIN)
    assert validated == {"metier": "chaudronnier", "metier_id": None}


@pytest.mark.parametrize(
    "intent, text, entities, forgotten",
    [
        # a new question without a target: the BTS of the previous question is dropped
        (
            "ask_certifications",
            "quelles certifications pour un soudeur ?",
            [{"entity": "metier", "value": "soudeur"}],
            True,
        ),
        # a follow-up keeps it
        ("inform", "et pour un chaudronnier ?", [{"entity": "metier", "value": "chaudronnier"}], False),
        # a new question naming a target keeps the one it names
        ("ask_eligibility", "puis-je viser un BTS ?", [{"entity": "diploma", "role": "target", "value": "bts"}], False),
    ],
)
def test_a_new_question_without_target_forgets_the_previous_one(intent, text, entities, forgotten):
    tracker = make_tracker({"target_diploma": "bts", "metier": "cariste"}, intent=intent, text=text, entities=entities)
    events = normalise_turn(tracker)
    slots = slot_events(events)
    if forgotten:
        assert "target_diploma" in slots and slots["target_diploma"] is None
    else:
        assert slots.get("target_diploma", "bts") == "bts"


def test_button_choice_keeps_the_job_chosen():
    tracker = make_tracker(
        {"metier": "électricien", "metier_id": "btp/electricite/electricien-industrie"},
        text='/inform{"metier_id": "btp/electricite/electricien-industrie"}',
        entities=[{"entity": "metier_id", "value": "btp/electricite/electricien-industrie"}],
    )
    validator = SlotNormaliser()
    dispatcher = CollectingDispatcher()
    assert validator.validate_metier_id("btp/electricite/electricien-industrie", dispatcher, tracker, DOMAIN) == {
        "metier_id": "btp/electricite/electricien-industrie"
    }


def test_branch_names_become_idcc_numbers():
    validator = SlotNormaliser()
    tracker = make_tracker(text="et en SDLM ?")
    assert validator.validate_idcc("1404", CollectingDispatcher(), tracker, DOMAIN) == {"idcc": "1404"}
    assert validator.validate_idcc("SDLM", CollectingDispatcher(), tracker, DOMAIN) == {"idcc": "1404"}
    assert validator.validate_idcc("n'importe quoi", CollectingDispatcher(), tracker, DOMAIN) == {"idcc": "2378"}


def test_slot_values_are_normalised():
    validator = SlotNormaliser()
    dispatcher, tracker = CollectingDispatcher(), make_tracker()
    assert validator.validate_avenant_date("20 décembre 2025", dispatcher, tracker, DOMAIN) == {
        "avenant_date": "2025-12-20"
    }
    assert validator.validate_avenant_date("03/12/2025", dispatcher, tracker, DOMAIN) == {"avenant_date": "2025-12-03"}
    assert validator.validate_avenant_date("bientôt", dispatcher, tracker, DOMAIN) == {"avenant_date": None}
    assert validator.validate_contract("CDD", dispatcher, tracker, DOMAIN) == {"contract": "cdd"}
    assert validator.validate_contract("freelance", dispatcher, tracker, DOMAIN) == {"contract": None}
    assert validator.validate_age("23", dispatcher, tracker, DOMAIN) == {"age": "23"}
    assert validator.validate_held_level("5", dispatcher, tracker, DOMAIN) == {"held_level": "5"}
    assert validator.validate_target_diploma("bac_pro", dispatcher, tracker, DOMAIN) == {"target_diploma": "bac_pro"}


def test_profile_from_slots(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", "2025-12-01")
    profile = profile_from_slots(
        {
            "idcc": "1404",
            "contract": "cdi",
            "age": "23",
            "held_level": "4",
            "avenant_date": "2025-11-28",
            "metier": " cariste ",
        }
    )
    assert (profile.idcc, profile.contract, profile.age, profile.held_level) == (1404, "cdi", 23, 4)
    assert profile.avenant_signed_on.isoformat() == "2025-11-28"
    assert profile.metier_text == "cariste"
    assert profile.today.isoformat() == "2025-12-01"
    assert profile_from_slots({}).idcc == 2378


# --- certification lists and « voir plus » -----------------------------------------


def test_certifications_for_a_job_then_show_more(monkeypatch, real_assistant):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"metier": "soudeur", "last_topic": "certifications"}
    messages, events = run(ActionListCertifications(), make_tracker(slots, intent="ask_certifications"))
    first_page = real_assistant.answer_certifications(profile_from_slots(slots))
    assert first_page.remaining > 0
    assert texts(messages) == first_page.text
    offset = slot_events(events)["list_offset"]
    assert offset == first_page.next_offset

    slots.update(slot_events(events))
    messages, events = run(ActionShowMore(), make_tracker(slots, intent="show_more", text="voir plus"))
    second_page = real_assistant.answer_certifications(profile_from_slots(slots), offset=int(offset))
    assert texts(messages) == second_page.text
    assert second_page.certifications[0].title not in [c.title for c in first_page.certifications]
    if second_page.remaining == 0:
        assert slot_events(events)["list_offset"] is None


def test_correction_is_answered_again(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    slots = {"contract": "cdd", "last_topic": "eligibility"}
    after = [{"event": "slot", "name": "contract", "value": "cdd"}]
    messages, _ = run(ActionAnswerEligibility(), make_tracker(slots, text="non, en CDD", after=after))
    assert "Non" in texts(messages)


def test_inform_without_any_fact_is_not_answered_again(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    slots = {"contract": "cdd", "last_topic": "eligibility"}
    for action in (ActionAnswerEligibility(), ActionListCertifications(), ActionAnswerFaq()):
        messages, events = run(action, make_tracker(slots, text="zorglub"))
        assert messages[0]["response"] == "utter_ask_rephrase"
        assert events == []


def test_show_more_after_a_complete_list():
    slots = {"last_topic": "certifications", "metier": "chaudronnier", "list_offset": None}
    messages, _ = run(ActionShowMore(), make_tracker(slots, intent="show_more", text="voir plus"))
    assert messages[0]["response"] == "utter_list_complete"


def test_show_more_without_a_list():
    messages, events = run(ActionShowMore(), make_tracker(intent="show_more", text="voir plus"))
    assert messages[0]["response"] == "utter_nothing_more"
    assert events == []


# --- FAQ ------------------------------------------------------------------------------


def faq_message(topic: str) -> dict[str, Any]:
    return {
        "response_selector": {
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "responses": [{"text": "…"}]}}
        }
    }


def test_faq_topic_is_answered_from_knowledge(monkeypatch, real_assistant):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    tracker = make_tracker(intent="faq", text="combien de temps dure la pro-a ?", extra=faq_message("duration"))
    messages, events = run(ActionAnswerFaq(), tracker)
    expected = real_assistant.answer_message(
        "combien de temps dure la pro-a ?", profile_from_slots({"idcc": "2378"}), faq_topic="duration"
    )
    assert texts(messages) == expected.text
    # The typed question is answered by the rules found for it, not by the topic's paragraph.
    assert expected.rule_ids and expected.rule_ids[0].endswith(".duration")
    assert "Je cherche la réponse" not in texts(messages)
    # The answer explained the 2026 change: the slot remembers it for the next answers.
    assert slot_events(events) == {"faq_topic": "duration", "last_topic": "faq", "change_2026_explained": True}


def test_faq_is_answered_again_for_another_branch(monkeypatch, real_assistant):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"idcc": "1404", "faq_topic": "duration", "last_topic": "faq", "change_2026_explained": True}
    after = [{"event": "slot", "name": "idcc", "value": "1404"}]
    messages, events = run(ActionAnswerFaq(), make_tracker(slots, intent="inform", text="et en SDLM ?", after=after))
    expected = real_assistant.answer_faq("duration", profile_from_slots(slots), change_explained=True)
    assert texts(messages) == expected.text
    # Already explained in this conversation: only recalled, with « Ce qui change en 2026 ».
    assert "Rappel : depuis le 1er janvier 2026" in texts(messages)
    assert "même si la formation commence après" not in texts(messages)
    assert events == []


def test_the_2026_change_is_explained_once_per_conversation(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    slots = {"contract": "cdi_interimaire", "metier": "soudeur", "last_topic": "eligibility"}
    messages, events = run(ActionAnswerEligibility(), make_tracker(slots, intent="ask_eligibility"))
    assert "même si la formation commence après" in texts(messages)
    assert slot_events(events)["change_2026_explained"] is True

    slots["change_2026_explained"] = True
    messages, events = run(ActionAnswerEligibility(), make_tracker(slots, intent="ask_eligibility"))
    assert "même si la formation commence après" not in texts(messages)
    assert "Rappel : depuis le 1er janvier 2026" in texts(messages)
    assert "change_2026_explained" not in slot_events(events)
    assert any(b["title"] == "Ce qui change en 2026" for m in messages for b in m.get("buttons") or [])


def real_domain() -> dict[str, Any]:
    from pathlib import Path

    import yaml

    return yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def test_the_change_slot_is_in_the_domain_and_kept_across_sessions():
    domain = real_domain()
    slot = domain["slots"]["change_2026_explained"]
    assert slot["type"] == "bool" and slot["influence_conversation"] is False
    assert domain["session_config"]["carry_over_slots_to_new_session"] is True


def test_welcome_and_help_offer_the_main_topics_as_buttons():
    domain = real_domain()
    for name in ("utter_greet", "utter_help", "utter_ask_rephrase", "utter_default", "utter_out_of_scope"):
        [response] = domain["responses"][name]
        titles = [b["title"] for b in response["buttons"]]
        assert titles == ["Durée", "Financement", "Rémunération", "Mes certifications", "Période de reconversion"], name


def test_faq_during_the_form_keeps_the_question(monkeypatch):
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    tracker = make_tracker(
        {"last_topic": "eligibility"}, intent="faq", extra=faq_message("pay"), active_loop="profile_form"
    )
    _, events = run(ActionAnswerFaq(), tracker)
    assert slot_events(events) == {"faq_topic": "pay"}


# --- errors and fallback --------------------------------------------------------------


class BrokenAssistant:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RuntimeError(" ".join(["secret", "user", "text"]))

        return fail


@pytest.mark.parametrize(
    "action",
    [ActionAnswerEligibility(), ActionListCertifications(), ActionAnswerFaq(), ActionResolveMetier()],
)
def test_errors_become_a_french_apology(action, caplog):
    common.set_assistant(BrokenAssistant())
    tracker = make_tracker(
        {"metier": "cariste", "list_offset": 5, "last_topic": "certifications", "faq_topic": "duration"},
        intent="faq",
        extra=faq_message("duration"),
    )
    messages, events = run(action, tracker)
    assert messages == [dict(messages[0], response="utter_service_error")]
    assert events == []
    assert "RuntimeError" in caplog.text
    assert "secret user text" not in caplog.text


def test_form_error_ends_the_form(caplog):
    common.set_assistant(BrokenAssistant())
    tracker = make_tracker({"last_topic": "eligibility"}, intent="ask_eligibility")
    messages, events = run(ValidateProfileForm(), tracker)
    assert events == [SlotSet("requested_slot", None)]
    assert messages == []


def test_affirmation_is_asked_in_french():
    message = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "ask_eligibility", "confidence": 0.3},
        ],
        "entities": [{"entity": "contract", "value": "cdd"}, {"entity": "diploma", "value": "bts", "role": "target"}],
    }
    tracker = make_tracker(intent="nlu_fallback", text="euh la proa cdd", extra=message)
    messages, events = run(ActionDefaultAskAffirmation(), tracker)
    assert messages[0]["response"] == "utter_ask_affirmation_ask_eligibility"
    assert messages[0]["yes_payload"] == '/ask_eligibility{"contract": "cdd"}'
    assert events == []


def test_affirmation_of_a_faq_topic_carries_the_topic():
    message = {
        "intent_ranking": [{"name": "nlu_fallback"}, {"name": "faq"}],
        **faq_message("tutor"),
    }
    tracker = make_tracker(intent="nlu_fallback", text="tuteur ?", extra=message)
    messages, _ = run(ActionDefaultAskAffirmation(), tracker)
    assert messages[0]["response"] == "utter_ask_affirmation_faq_tutor"
    assert messages[0]["yes_payload"] == '/faq{"faq_topic": "tutor"}'

    # The « Oui » button replays the FAQ question with its topic.
    replay = make_tracker(intent="faq", text="/faq", entities=[{"entity": "faq_topic", "value": "tutor"}])
    from actions.answering import faq_topic_of

    assert faq_topic_of(replay) == "tutor"


def test_unknown_intent_is_asked_to_rephrase():
    message = {"intent_ranking": [{"name": "nlu_fallback"}, {"name": "greet"}]}
    messages, _ = run(ActionDefaultAskAffirmation(), make_tracker(intent="nlu_fallback", extra=message))
    assert messages[0]["response"] == "utter_ask_rephrase"


# --- session start ---------------------------------------------------------------------
# Rasa's own action_session_start (no call of the action server): it keeps the slots
# and the metadata the branch is read from by the slot checks (tests/actions/
# test_slot_checks.py).


def test_session_start_is_rasas_own_and_keeps_the_slots_and_the_metadata():
    import asyncio as _asyncio

    from rasa.core.actions.action import ActionSessionStart
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    from rasa.shared.core.events import SlotSet as RasaSlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    assert "action_session_start" not in DOMAIN["actions"]
    assert DOMAIN["session_config"]["carry_over_slots_to_new_session"] is True
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
    history = [
        RasaSlotSet("contract", "cdi_interimaire"),
        RasaSlotSet("metier", "cariste"),
        RasaSlotSet("session_started_metadata", {"idcc": 1404}),
    ]
    tracker = DialogueStateTracker.from_events("test", history, slots=domain.slots)
    events = _asyncio.run(ActionSessionStart().run(None, None, tracker, domain))
    assert isinstance(events[0], SessionStarted) and events[-1] == ActionExecuted("action_listen")
    tracker.update_with_events(events, domain)
    assert tracker.get_slot("contract") == "cdi_interimaire" and tracker.get_slot("metier") == "cariste"
    assert tracker.get_slot("session_started_metadata") == {"idcc": 1404}


@pytest.mark.parametrize(
    "metadata, idcc",
    [({"idcc": 1404}, "1404"), ({"idcc": "1404"}, "1404"), ({"idcc": 9999}, "2378"), ({}, "2378"), ("x", "2378")],
)
def test_the_branch_comes_from_the_channel_metadata(metadata, idcc):
    from actions.slot_checks import catch_up

    tracker = make_tracker(
        {"session_started_metadata": metadata},
        intent="faq",
        text="combien de temps ?",
        events=[
            {"event": "slot", "name": "session_started_metadata", "value": metadata},
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
            {"event": "slot", "name": "session_started_metadata", "value": metadata},
            {"event": "action", "name": "action_listen"},
        ],
    )
    catch_up(tracker)
    assert tracker.get_slot("idcc") == idcc


def test_the_same_answer_is_never_given_twice_in_a_row(monkeypatch, real_assistant):
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    question = "qui prend en charge les frais pédagogiques de la période de reconversion ?"
    first, _ = run(ActionAnswerFaq(), make_tracker(intent="faq", text=question, extra=faq_message("funding")))
    said = texts(first)
    before = [{"event": "user", "text": question}, {"event": "bot", "text": said}]
    again, events = run(
        ActionAnswerFaq(), make_tracker(intent="faq", text=question, extra=faq_message("funding"), events=before)
    )
    assert texts(again) != said
    assert again and again[0].get("response") == "utter_ask_rephrase" and events == []


def test_a_follow_up_that_changes_a_fact_is_answered_at_the_time_of_the_question_before(monkeypatch):
    # « et avec un master ? » after a question on 2024: the Pro-A of 2024, not today's scheme.
    monkeypatch.setenv("PROA_TODAY", RECONVERSION_TIME)
    before = [{"event": "user", "text": "en 2024, avec un bac pro, j'avais droit à la pro-a ?", "parse_data": {}}]
    slots = {"last_topic": "eligibility", "contract": "cdi", "held_diploma": "master", "idcc": "1404"}
    told = [{"event": "slot", "name": "held_diploma", "value": "master"}]
    tracker = make_tracker(
        slots, intent="inform", text="et avec un master ?", events=before, channel="rest", after=told
    )
    messages, _ = run(ActionAnswerEligibility(), tracker)
    custom = messages[0]["custom"]
    assert custom["verdict_line"].startswith("Non"), custom["verdict_line"]
    assert "période de reconversion" not in custom["verdict_line"]
