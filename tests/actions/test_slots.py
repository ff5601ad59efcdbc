"""Slot plausibility (issue 14, finding 7): ages, phone numbers and métier ids."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.answering import ActionShowMore, checked_slots
from actions.forms import ValidateProfileForm
from actions.slot_checks import SlotNormaliser, normalise_turn, plausible_metier_id
from tests.actions.test_actions import DOMAIN, make_tracker, run, slot_events

PHONE = "je suis cariste, mon numéro est 06 12 34 56 78"
CARISTE = "logistique-transport/logistique/magasinier-cariste"
SOUDEUR = "industrie/ajustage-montage-assemblage/soudeur"


def test_an_age_read_in_a_phone_number_is_refused():
    tracker = make_tracker(text=PHONE, entities=[{"entity": "age", "value": "34", "start": 38, "end": 40}])
    assert SlotNormaliser().validate_age("34", CollectingDispatcher(), tracker, DOMAIN) == {"age": None}


def test_an_age_read_in_a_phone_number_keeps_the_age_known_before():
    tracker = make_tracker(
        {"age": "34"},
        text="mon numéro est le 0612345678",
        entities=[{"entity": "age", "value": "12"}],
        events=[{"event": "slot", "name": "age", "value": "45"}],
    )
    assert SlotNormaliser().validate_age("12", CollectingDispatcher(), tracker, DOMAIN) == {"age": "45"}


def test_a_real_age_beside_a_phone_number_is_kept():
    text = "j'ai 34 ans, mon numéro est 06 12 34 56 78"
    tracker = make_tracker(text=text, entities=[{"entity": "age", "value": "34", "start": 5, "end": 7}])
    assert SlotNormaliser().validate_age("34", CollectingDispatcher(), tracker, DOMAIN) == {"age": "34"}
    # without spans, one place outside the phone number is enough
    tracker = make_tracker(text=text, entities=[{"entity": "age", "value": "34"}])
    assert SlotNormaliser().validate_age("34", CollectingDispatcher(), tracker, DOMAIN) == {"age": "34"}


def test_ages_outside_14_to_99_are_refused():
    tracker = make_tracker(text="j'ai 12 ans")
    for value in ("12", "100", "quarante"):
        assert SlotNormaliser().validate_age(value, CollectingDispatcher(), tracker, DOMAIN) == {"age": None}


def test_a_forged_metier_id_is_dropped_and_the_text_matched_again():
    tracker = make_tracker(
        {"metier": "cariste", "metier_id": "../../etc/passwd"},
        text='/inform{"metier_id": "../../etc/passwd"}',
        entities=[{"entity": "metier_id", "value": "../../etc/passwd"}],
    )
    events = normalise_turn(tracker)
    assert slot_events(events)["metier_id"] == CARISTE


def test_a_stale_metier_id_of_another_job_is_dropped():
    # the id of a welder with the text « cariste »: the text wins, re-matched
    tracker = make_tracker(
        {"metier": "cariste", "metier_id": SOUDEUR}, intent="ask_certifications", text="quelles certifs ?"
    )
    events = normalise_turn(tracker)
    assert slot_events(events)["metier_id"] == CARISTE
    # an ambiguous text keeps no id that is not one of its choices
    assert plausible_metier_id("électricien", SOUDEUR, 2378) is None


def test_a_button_choice_among_the_candidates_is_kept():
    chosen = "btp/electricite/electricien-industrie"
    assert plausible_metier_id("électricien", chosen, 2378) == chosen
    tracker = make_tracker(
        {"metier": "électricien", "metier_id": chosen},
        text=f'/inform{{"metier_id": "{chosen}"}}',
        entities=[{"entity": "metier_id", "value": chosen}],
    )
    events = normalise_turn(tracker)
    assert slot_events(events).get("metier_id", chosen) == chosen


def test_an_id_without_text_must_be_a_metier_of_the_branch():
    assert plausible_metier_id(None, CARISTE, 2378) == CARISTE
    assert plausible_metier_id(None, CARISTE, 1404) is None
    assert plausible_metier_id(None, "nope", 2378) is None


class HalfBrokenAssistant:
    """The core fails as soon as it is asked anything (the turn fails half-way)."""

    def __getattr__(self, name):
        raise RuntimeError("core down")


def _changed_metier_tracker():
    # the NLU set a new métier text this turn; the id is still the previous job's
    return make_tracker(
        {"metier": "soudeur", "metier_id": CARISTE},
        text="non, je suis soudeur",
        entities=[{"entity": "metier", "value": "soudeur"}],
        events=[
            {"event": "slot", "name": "metier", "value": "cariste"},
            {"event": "slot", "name": "metier_id", "value": CARISTE},
        ],
        after=[{"event": "slot", "name": "metier", "value": "soudeur"}],
    )


def test_a_turn_failing_half_way_never_leaves_two_different_metiers():
    common.set_assistant(HalfBrokenAssistant())
    # an answer action checks the slots first: they go back, together; it still answers
    messages, events = run(ActionShowMore(), _changed_metier_tracker())
    assert slot_events(events) == {"metier": "cariste", "metier_id": CARISTE}
    assert messages[0]["response"] == "utter_nothing_more"
    _, events = run(ValidateProfileForm(), _changed_metier_tracker())
    assert slot_events(events) == {"metier": "cariste", "metier_id": CARISTE, "requested_slot": None}


def test_a_failure_with_nothing_changed_sets_nothing():
    common.set_assistant(HalfBrokenAssistant())
    tracker = make_tracker(
        {"metier": "cariste", "metier_id": CARISTE},
        events=[
            {"event": "slot", "name": "metier", "value": "cariste"},
            {"event": "slot", "name": "metier_id", "value": CARISTE},
        ],
    )
    assert checked_slots("action_show_more", tracker) == []
    assert SlotSet("requested_slot", None) in run(ValidateProfileForm(), tracker)[1]


def test_the_form_keeps_the_metier_id_the_core_settled_on_with_the_message() -> None:
    # « je suis électricien dans le bâtiment » : the métier entity of nlu.metier_entities
    # names one métier (the workplace word chose it); the form's own validation of the id
    # must not drop it because a métier was typed (it used to, and the person was asked
    # to choose among the three électriciens again).
    batiment = "btp/electricite/electricien-batiment"
    text = "je suis électricien dans le bâtiment, quelles certifs ?"
    entity = {
        "entity": "metier",
        "value": "électricien",
        "start": 8,
        "end": 19,
        "metier_status": {"2378": "matched"},
        "candidates": {"2378": [batiment]},
    }
    tracker = make_tracker(
        {"idcc": "2378", "metier": "électricien", "metier_id": batiment},
        intent="ask_certifications",
        text=text,
        entities=[entity],
    )
    form = ValidateProfileForm()
    assert form.validate_metier_id(batiment, CollectingDispatcher(), tracker, DOMAIN) == {"metier_id": batiment}
    # an id the core did not settle on for this message is still dropped
    tracker = make_tracker(
        {"idcc": "2378", "metier": "électricien", "metier_id": SOUDEUR},
        intent="ask_certifications",
        text=text,
        entities=[dict(entity, candidates={"2378": []}, metier_status={"2378": "ambiguous"})],
    )
    assert form.validate_metier_id(SOUDEUR, CollectingDispatcher(), tracker, DOMAIN) == {"metier_id": None}


def test_a_job_described_by_its_tasks_keeps_the_id_the_core_found() -> None:
    # The métier text of a described job (« administre les serveurs … ») re-matched alone
    # reads « Serveur »: the id the core found with the whole message must be kept.
    admin = "tertiaire/numerique/administrateur-systemes-d-information"
    value = "administre les serveurs et les sauvegardes"
    entity = {
        "entity": "metier",
        "value": value,
        "start": 2,
        "end": 44,
        "metier_status": {"2378": "matched"},
        "candidates": {"2378": [admin]},
    }
    tracker = make_tracker(
        {"idcc": "2378", "metier": value, "metier_id": admin},
        intent="inform",
        text=f"j'{value}",
        entities=[entity],
    )
    events = normalise_turn(tracker)
    assert slot_events(events).get("metier_id", admin) == admin
