"""Tests of the Rasa component ``nlu.metier_entities.MetierEntityExtractor`` on the real
knowledge (spans, refusals, several métiers in one message, a correction)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.metier_entities import MetierEntityExtractor

COMMIS = "tertiaire/restauration/commis-de-cuisine"
SOUDEUR = "industrie/ajustage-montage-assemblage/soudeur"
CHAUDRONNIER = "industrie/ajustage-montage-assemblage/chaudronnier"
AUTOMATICIEN = "tertiaire/numerique/automaticien"


@pytest.fixture(scope="module")
def extractor() -> MetierEntityExtractor:
    return MetierEntityExtractor({"warm_up": True})


def metiers(extractor: MetierEntityExtractor, text: str, entities: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    message = Message({"text": text, "entities": list(entities)})
    extractor.process([message])
    return [e for e in message.get("entities") if e["entity"] == "metier"]


def test_span_is_the_words_as_typed(extractor: MetierEntityExtractor) -> None:
    text = "je suis commis de cuisine, je peux viser quoi ?"
    (entity,) = metiers(extractor, text)
    assert (entity["start"], entity["end"]) == (8, 25)
    assert text[entity["start"] : entity["end"]] == entity["value"] == "commis de cuisine"
    assert entity["candidates"]["2378"] == [COMMIS]
    assert entity["metier_status"]["2378"] == "matched"
    assert entity["primary"] is True
    assert 0.0 < entity["confidence_entity"] <= 1.0
    assert entity["extractor"] == "MetierEntityExtractor"


def test_whole_name_not_a_fragment(extractor: MetierEntityExtractor) -> None:
    (entity,) = metiers(extractor, "data analyst en CDI, quelle certif ?")
    assert entity["value"] == "data analyst"
    assert entity["candidates"]["2378"] == ["tertiaire/numerique/data-analyste-business-analyste"]


def test_typo_and_contract_words_around(extractor: MetierEntityExtractor) -> None:
    (entity,) = metiers(extractor, "carriste en cdi interimaire, quelles formations pour moi ?")
    assert entity["value"] == "carriste"
    assert entity["candidates"]["2378"] == ["logistique-transport/logistique/magasinier-cariste"]


@pytest.mark.parametrize(
    "text",
    ["bonjour", "combien de temps dure une Pro-A ?", "merci beaucoup", "oui", "", "   ", "je suis en CDI"],
)
def test_no_job_named_emits_nothing(extractor: MetierEntityExtractor, text: str) -> None:
    assert metiers(extractor, text) == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("je suis astronaute", "astronaute"),
        ("je suis pilote de ligne", "pilote de ligne"),
        ("quels diplômes sont proposés pour un ambulancier ?", "ambulancier"),
    ],
)
def test_a_job_not_in_the_annex_is_a_refusal_without_any_crf(
    extractor: MetierEntityExtractor, text: str, value: str
) -> None:
    """No statistical model proposes the span any more: the core's job phrases do."""
    (entity,) = metiers(extractor, text)
    assert entity["value"] == value == text[entity["start"] : entity["end"]]
    assert entity["candidates"] == {} and entity["metier_status"]["2378"] == "not_in_list"
    assert entity["primary"] is True and entity["confidence_entity"] == 0.0


def test_a_short_answer_alone_is_a_job_only_as_an_answer(extractor: MetierEntityExtractor) -> None:
    message = Message({"text": "ambulancier en CDI", "entities": [], "intent": {"name": "inform", "confidence": 0.9}})
    extractor.process([message])
    (entity,) = message.get("entities")
    assert entity["value"] == "ambulancier" and entity["metier_status"]["2378"] == "not_in_list"
    assert metiers(extractor, "ambulancier en CDI") == []  # no intent: only after a job cue


def test_refusals_only_for_the_intents_that_may_name_a_job(extractor: MetierEntityExtractor) -> None:
    message = Message({"text": "je suis astronaute", "entities": [], "intent": {"name": "faq", "confidence": 0.9}})
    extractor.process([message])
    assert message.get("entities") == []
    message = Message({"text": "je suis astronaute", "entities": [], "intent": {"name": "inform", "confidence": 0.9}})
    extractor.process([message])
    assert [e["value"] for e in message.get("entities")] == ["astronaute"]


def test_other_extractors_metier_entities_are_dropped(extractor: MetierEntityExtractor) -> None:
    crf = {"entity": "metier", "value": "analyst", "start": 5, "end": 12, "extractor": "CRFEntityExtractor"}
    contract = {"entity": "contract", "value": "cdi", "start": 16, "end": 19, "extractor": "CRFEntityExtractor"}
    message = Message({"text": "data analyst en CDI", "entities": [crf, contract]})
    extractor.process([message])
    entities = message.get("entities")
    assert contract in entities
    assert [e["value"] for e in entities if e["entity"] == "metier"] == ["data analyst"]


def test_several_metiers_primary_last(extractor: MetierEntityExtractor) -> None:
    found = metiers(extractor, "je suis soudeur et je voudrais devenir chaudronnier")
    assert [e["value"] for e in found] == ["chaudronnier", "soudeur"]
    assert [e["primary"] for e in found] == [False, True]
    assert found[-1]["candidates"]["2378"] == [SOUDEUR]


def test_correction_is_primary(extractor: MetierEntityExtractor) -> None:
    found = metiers(extractor, "soudeur, non pardon, je suis plutôt chaudronnier")
    assert found[-1]["value"] == "chaudronnier" and found[-1]["primary"] is True
    assert found[-1]["candidates"]["2378"] == [CHAUDRONNIER]
    assert found[0]["value"] == "soudeur" and found[0]["primary"] is False


def test_exact_label_and_target_diploma_settle_the_choice(extractor: MetierEntityExtractor) -> None:
    (entity,) = metiers(extractor, "automaticien, quelles certifs ?")
    assert entity["candidates"]["2378"] == [AUTOMATICIEN]
    (entity,) = metiers(extractor, "je suis électricien et je voudrais passer le BP")
    assert entity["metier_status"]["2378"] == "matched"
    assert entity["candidates"]["2378"] == ["btp/electricite/electricien-batiment"]
    (entity,) = metiers(extractor, "je suis électricien")
    assert entity["metier_status"]["2378"] == "ambiguous"
    assert len(entity["candidates"]["2378"]) == 3


def test_button_payloads_are_left_alone(extractor: MetierEntityExtractor) -> None:
    assert metiers(extractor, '/inform{"metier_id": "btp/electricite/electricien-batiment"}') == []


def test_a_job_not_in_the_annex_seen_by_the_crf_keeps_the_core_refusal(extractor: MetierEntityExtractor) -> None:
    crf = {"entity": "metier", "value": "ambulancier", "start": 37, "end": 48, "extractor": "CRFEntityExtractor"}
    (entity,) = metiers(extractor, "quels diplômes sont proposés pour un ambulancier ?", [crf])
    assert entity["value"] == "ambulancier" and entity["extractor"] == "MetierEntityExtractor"
    assert entity["candidates"] == {} and entity["metier_status"]["2378"] == "not_in_list"
    assert entity["primary"] is True


def test_a_crf_span_the_core_finds_nothing_job_like_in_is_dropped(extractor: MetierEntityExtractor) -> None:
    crf = {"entity": "metier", "value": "pro-a", "start": 25, "end": 30, "extractor": "CRFEntityExtractor"}
    found = metiers(extractor, "combien de temps dure la pro-a ?", [crf])
    assert all(e["metier_status"].get("2378") == "not_in_list" for e in found)
    crf = {"entity": "metier", "value": "soudeur", "start": 8, "end": 15, "extractor": "CRFEntityExtractor"}
    (entity,) = metiers(extractor, "je suis soudeur", [crf])
    assert entity["candidates"]["2378"] == [SOUDEUR]


@pytest.mark.parametrize(
    "text, start, end",
    [
        # the CRF took digits of a phone number, of a postcode, of an e-mail for a job
        ("je suis cariste, mon numéro est 06 12 34 56 78", 38, 40),
        ("je suis cariste, mon numéro est 06 12 34 56 78", 32, 46),
        ("je suis cariste et j'habite au 75011", 31, 36),
        ("je suis cariste, écrivez à jean.serveur@exemple.fr", 27, 50),
    ],
)
def test_numbers_phones_and_emails_are_never_jobs(
    extractor: MetierEntityExtractor, text: str, start: int, end: int
) -> None:
    crf = {"entity": "metier", "value": text[start:end], "start": start, "end": end, "extractor": "CRFEntityExtractor"}
    (entity,) = metiers(extractor, text, [crf])
    assert entity["value"] == "cariste"
    assert entity["candidates"]["2378"] == ["logistique-transport/logistique/magasinier-cariste"]


def test_a_message_of_digits_names_no_job(extractor: MetierEntityExtractor) -> None:
    crf = {"entity": "metier", "value": "34", "start": 9, "end": 11, "extractor": "CRFEntityExtractor"}
    assert metiers(extractor, "06 12 34 56 78", []) == []
    assert metiers(extractor, "mon âge : 34", [crf]) == []
    assert metiers(extractor, "mon mail : jean.serveur@exemple.fr") == []


def test_another_extractors_proposal_alone_is_no_refused_job(extractor: MetierEntityExtractor) -> None:
    """A statistical extractor's « métier » that the core does not read as a stated job
    (« c'est garanti pour chaque dossier ? ») is dropped, not refused as a job: the channels
    then route the message as `bot ask` does. Inside a stated phrase, it stays a refusal."""
    text = "j'ai lu 5000 € par période, c'est garanti pour chaque dossier ?"
    start = text.index("chaque dossier")
    proposed = {
        "entity": "metier",
        "start": start,
        "end": start + 14,
        "value": "chaque dossier",
        "extractor": "DIETClassifier",
    }
    message = Message({"text": text, "entities": [proposed], "intent": {"name": "ask_eligibility", "confidence": 0.9}})
    extractor.process([message])
    assert [e for e in message.get("entities") if e["entity"] == "metier"] == []
    text = "je suis astronaute, ai-je droit à une formation ?"
    proposed = {"entity": "metier", "start": 8, "end": 18, "value": "astronaute", "extractor": "DIETClassifier"}
    message = Message({"text": text, "entities": [proposed], "intent": {"name": "ask_eligibility", "confidence": 0.9}})
    extractor.process([message])
    (entity,) = [e for e in message.get("entities") if e["entity"] == "metier"]
    assert entity["value"] == "astronaute" and entity["metier_status"]["2378"] == "not_in_list"
