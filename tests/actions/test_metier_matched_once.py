"""The métier of a message is matched once per turn (issue 23): the NLU component's
entity carries what the core found (ids, status, span), the action server reuses it, and
what it must match itself (no entity, a choice left open) it matches once, whatever the
form, the slot checks and the answer ask. Turns are laid out as Rasa 3.6 sends them, on
the real domain.yml (tests/actions/test_slot_checks.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from actions import common
from actions.answering import ActionAnswerEligibility, ActionListCertifications
from actions.forms import ValidateProfileForm
from bot import slot_values
from bot.matching import MetierMatcher
from bot.service import Assistant
from nlu.contract_entities import ContractEntityExtractor
from nlu.metier_entities import MetierEntityExtractor
from nlu.profile_entities import ProfileEntityExtractor
from tests.actions.test_actions import PROA_TIME, run, slot_events
from tests.actions.test_slot_checks import _action, _form_activation, _slot, _tracker, _user

CARISTE = "logistique-transport/logistique/magasinier-cariste"

Key = tuple[int, str, str | None, int | None, int]


@pytest.fixture
def calls(monkeypatch, real_assistant) -> Counter[Key]:
    """Every run of a branch matcher, by (branch, text, target diploma, level, limit),
    with a fresh assistant (an empty memo) on the real knowledge and matchers."""
    counted: Counter[Key] = Counter()
    match_all = MetierMatcher.match_all

    def counting(self, text, limit=5, target=None, target_level=None):
        counted[(self.branch.idcc, text, getattr(target, "code", None), target_level, limit)] += 1
        return match_all(self, text, limit, target, target_level)

    monkeypatch.setattr(MetierMatcher, "match_all", counting)
    monkeypatch.setenv("PROA_TODAY", PROA_TIME)
    common.set_assistant(Assistant(real_assistant.kb, real_assistant._matchers))
    return counted


@pytest.fixture(scope="module")
def extractor() -> MetierEntityExtractor:
    return MetierEntityExtractor({"warm_up": True})


def nlu_entities(extractor: MetierEntityExtractor, text: str, intent: str) -> list[dict[str, Any]]:
    """The entities the NLU components emit for the message (métier, contract, diploma…)."""
    message = Message({"text": text, "intent": {"name": intent}, "entities": []})
    for component in (
        extractor,
        ContractEntityExtractor(ContractEntityExtractor.get_default_config()),
        ProfileEntityExtractor(ProfileEntityExtractor.get_default_config()),
    ):
        component.process([message])
    return [dict(e) for e in message.get("entities")]


def one_turn(text: str, intent: str, entities: list[dict[str, Any]], extracted: dict[str, Any], answer) -> dict:
    """The form on the message, then the answer action: the action server's calls of
    one turn. Returns the slots the form set."""
    message = _user(text, intent, entities)
    tracker = _form_activation([], message, extracted, dict(extracted))
    _, events = run(ValidateProfileForm(), tracker)
    checked = slot_events(events)
    if checked.get("requested_slot") is None:
        after = [*tracker.events, *[_slot(n, v) for n, v in checked.items()], _action("profile_form")]
        messages, _ = run(answer, _tracker(after, {**extracted, **checked}))
        assert messages and messages[0].get("response") != "utter_service_error"
    return checked


def test_the_nlu_entity_carries_the_core_result_the_actions_read(extractor) -> None:
    text = "je suis cariste en CDI, puis-je viser un BTS ?"
    (entity,) = [e for e in nlu_entities(extractor, text, "ask_eligibility") if e["entity"] == "metier"]
    assert text[entity["start"] : entity["end"]] == entity["value"] == "cariste"
    assert entity["metier_status"]["2378"] == "matched" and entity["candidates"]["2378"] == [CARISTE]
    assert slot_values.settled_metier_id([entity], "cariste", 2378) == CARISTE


def test_a_metier_the_nlu_settled_is_not_matched_again(calls, extractor) -> None:
    text = "je suis cariste en CDI, puis-je viser un BTS ?"
    entities = nlu_entities(extractor, text, "ask_eligibility")
    nlu_calls = Counter(calls)
    assert nlu_calls and max(nlu_calls.values()) == 1  # the NLU: the message once per branch
    calls.clear()
    extracted = {"metier": "cariste", "contract": "cdi", "target_diploma": "bts", "last_topic": "eligibility"}
    checked = one_turn(text, "ask_eligibility", entities, extracted, ActionAnswerEligibility())
    assert checked["metier_id"] == CARISTE
    assert sum(calls.values()) == 0  # the form, the slot checks and the answer reuse the NLU's id


@pytest.mark.parametrize(
    "text, intent, extracted, answer",
    [
        (
            "je suis électricien en CDI, puis-je viser un BTS ?",
            "ask_eligibility",
            {"metier": "électricien", "contract": "cdi", "target_diploma": "bts", "last_topic": "eligibility"},
            ActionAnswerEligibility(),
        ),
        (
            "je suis ambulancier en CDI, ai-je droit à la Pro-A ?",
            "ask_eligibility",
            {"metier": "ambulancier", "contract": "cdi", "last_topic": "eligibility"},
            ActionAnswerEligibility(),
        ),
        (
            "quelles certifications pour un électricien ?",
            "ask_certifications",
            {"metier": "électricien", "last_topic": "certifications"},
            ActionListCertifications(),
        ),
    ],
)
def test_a_metier_left_open_is_matched_once_per_turn(calls, extractor, text, intent, extracted, answer) -> None:
    # Ambiguous or not in the list: the profile's text alone is matched by the action
    # server (its result, not the whole message's, makes the answer), once.
    entities = nlu_entities(extractor, text, intent)
    calls.clear()
    one_turn(text, intent, entities, extracted, answer)
    assert sum(calls.values()) == 1, calls


def test_without_an_nlu_entity_the_actions_match_once(calls, extractor) -> None:
    # A métier slot no core entity backs (another extractor, a test): matched once.
    text = "je suis cariste en CDI, puis-je viser un BTS ?"
    entities = [e for e in nlu_entities(extractor, text, "ask_eligibility") if e["entity"] != "metier"]
    calls.clear()
    extracted = {"metier": "cariste", "contract": "cdi", "target_diploma": "bts", "last_topic": "eligibility"}
    checked = one_turn(text, "ask_eligibility", entities, extracted, ActionAnswerEligibility())
    assert "metier_id" not in checked or checked["metier_id"] is None
    assert list(calls.values()) == [1], calls
