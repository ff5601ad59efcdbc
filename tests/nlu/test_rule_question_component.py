"""``nlu.rule_questions.RuleQuestionClassifier``: the rules a message asks about go into the
parse data; a sure rule question that states nothing of the person is a ``faq``; a job with
« quelles formations ? » stays a métier question."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.rule_questions import RULES_KEY, RuleQuestionClassifier


def _message(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> Message:
    message = Message.build(text=text)
    message.data["intent"] = {"name": intent, "confidence": 0.55}
    message.data["intent_ranking"] = [{"name": intent, "confidence": 0.55}]
    message.data["entities"] = entities or []
    return message


@pytest.fixture(scope="module")
def classifier() -> RuleQuestionClassifier:
    return RuleQuestionClassifier(RuleQuestionClassifier.get_default_config())


def test_the_ranking_is_in_the_parse_data(classifier: RuleQuestionClassifier) -> None:
    message = _message("je me suis blessé pendant la formation de ma période de reconversion, je suis couvert ?", "faq")
    classifier.process([message])
    ranking = message.get(RULES_KEY)["ranking"]
    assert ranking[0]["id"] == "law.reconversion.accident_cover"
    assert ranking == sorted(ranking, key=lambda r: -r["score"])
    assert RULES_KEY in message.as_dict(only_output_properties=True)


def test_a_sure_rule_question_without_a_situation_becomes_a_faq(classifier: RuleQuestionClassifier) -> None:
    message = _message("pendant ma pro-a en intérim, quelqu'un doit m'accompagner ?", "ask_eligibility")
    classifier.process([message])
    assert message.get("intent")["name"] == "faq"


def test_a_question_with_a_contract_on_eligibility_stays(classifier: RuleQuestionClassifier) -> None:
    text = "je suis en contrat de mission, ai-je droit à la pro-a ?"
    contract = {"entity": "contract", "value": "contrat_de_mission", "start": 13, "end": 31}
    message = _message(text, "ask_eligibility", [contract])
    classifier.process([message])
    assert message.get("intent")["name"] == "ask_eligibility"


def test_a_job_with_a_list_question_stays_a_metier_question(classifier: RuleQuestionClassifier) -> None:
    text = "je suis chauffeur livreur, quelles formations ?"
    start = text.index("chauffeur livreur")
    job = {
        "entity": "metier",
        "start": start,
        "end": start + len("chauffeur livreur"),
        "value": "chauffeur livreur",
        "metier_status": {"2378": "matched"},
        "primary": True,
    }
    message = _message(text, "ask_certifications", [job])
    classifier.process([message])
    assert message.get("intent")["name"] == "ask_certifications"


def test_button_payloads_are_left_alone(classifier: RuleQuestionClassifier) -> None:
    message = _message('/faq{"faq_topic": "duration"}', "faq")
    classifier.process([message])
    assert message.get(RULES_KEY) is None


def test_a_message_no_classifier_is_sure_of_may_ask_another_branchs_rule(classifier: RuleQuestionClassifier) -> None:
    """The NLU does not know the conversation's branch: an unsure message that asks a rule
    the finder is sure of in another branch than the default one is a rule question."""
    message = _message("qu'est-ce que l'avenant n° 7 de la branche a retiré de la liste ?", "nlu_fallback")
    classifier.process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get(RULES_KEY)["ranking"][0]["id"].startswith("idcc1404.")
