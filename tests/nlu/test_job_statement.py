"""``nlu.job_statement.JobStatementClassifier``: a message that states an annex job the
core found is an ``inform``, unless it also asks a FAQ topic."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.job_statement import JobStatementClassifier


def _message(text: str, intent: str, job: str | None, status: str = "matched", primary: bool = True) -> Message:
    entities: list[dict[str, Any]] = []
    if job is not None:
        start = text.index(job)
        entities.append(
            {
                "entity": "metier",
                "start": start,
                "end": start + len(job),
                "value": job,
                "metier_status": {"2378": status},
                "primary": primary,
            }
        )
    message = Message.build(text=text)
    message.data["intent"] = {"name": intent, "confidence": 0.62}
    message.data["intent_ranking"] = [{"name": intent, "confidence": 0.62}, {"name": "inform", "confidence": 0.2}]
    message.data["entities"] = entities
    return message


@pytest.fixture(scope="module")
def classifier() -> JobStatementClassifier:
    return JobStatementClassifier(JobStatementClassifier.get_default_config())


@pytest.mark.parametrize(
    "text, intent, job",
    [
        ("je pose la fibre chez les particuliers", "faq", "pose la fibre chez les particuliers"),
        ("je monte des tuyauteries", "show_more", "monte des tuyauteries"),
        ("ARM au SAMU", "goodbye", "ARM au SAMU"),
        ("non pardon je suis plutôt soudeur", "deny", "soudeur"),
        ("bonjour, je suis cariste", "greet", "cariste"),
    ],
)
def test_a_job_statement_becomes_inform(classifier: JobStatementClassifier, text: str, intent: str, job: str) -> None:
    (message,) = classifier.process([_message(text, intent, job)])
    assert message.get("intent")["name"] == "inform"
    ranking = [r["name"] for r in message.get("intent_ranking")]
    assert ranking[0] == "inform" and intent in ranking and ranking.count("inform") == 1


def test_a_faq_question_beside_the_job_stays_a_faq(classifier: JobStatementClassifier) -> None:
    text = "je suis cariste, qui paie la formation pendant une période de reconversion ?"
    (message,) = classifier.process([_message(text, "faq", "cariste")])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "intent, job, status, primary",
    [
        ("faq", None, "matched", True),  # no job in the message
        ("out_of_scope", "ambulancier", "not_in_list", True),  # a job not in the annex: the refusal path
        ("faq", "cariste", "matched", False),  # not the job the message is about
        ("ask_eligibility", "cariste", "matched", True),  # a question about the person: kept
    ],
)
def test_other_messages_keep_their_intent(
    classifier: JobStatementClassifier, intent: str, job: str | None, status: str, primary: bool
) -> None:
    text = "je suis ambulancier" if job == "ambulancier" else "je suis cariste"
    (message,) = classifier.process([_message(text, intent, job, status, primary)])
    assert message.get("intent")["name"] == intent


def test_button_payloads_are_left_alone(classifier: JobStatementClassifier) -> None:
    message = _message('/inform{"metier_id": "x"}', "faq", None)
    message.data["entities"] = [
        {"entity": "metier", "start": 0, "end": 3, "metier_status": {"2378": "matched"}, "primary": True}
    ]
    (message,) = classifier.process([message])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text, job",
    [
        ("la pro-a est ouverte à quels contrats ?", "ouverte à quels contrats"),
        ("vos données datent de quand", "données datent"),
        ("je suis cariste, combien d'heures", "cariste"),
    ],
)
def test_a_question_is_not_a_job_statement(classifier: JobStatementClassifier, text: str, job: str) -> None:
    (message,) = classifier.process([_message(text, "faq", job)])
    assert message.get("intent")["name"] == "faq"
