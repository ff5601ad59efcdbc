"""Tests of the contract vocabulary (knowledge/contracts.yml, bot.contracts)
and of the Rasa component that applies it."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.contracts import Contract, ContractVocabulary, default_contracts, load_contracts
from bot.profile import CONTRACT_LABELS, CONTRACTS
from nlu.contract_entities import ContractEntityExtractor

#: The codes fixed with the rules (issue 9).
CODES = {
    "cdi_interimaire",
    "cdi",
    "contrat_de_mission",
    "cdd",
    "cui",
    "cui_cdi",
    "cui_cdd",
    "cdd_sportif",
    "apprentissage",
    "apprentissage_cdi",
    "professionnalisation",
    "professionnalisation_cdi",
    "permanent_agence",
}


def test_file_is_valid_and_has_every_code() -> None:
    vocabulary = load_contracts()
    assert {c.code for c in vocabulary.contracts} == CODES


def test_profile_codes_are_in_step_with_the_knowledge() -> None:
    assert set(CONTRACTS) == CODES
    assert set(CONTRACT_LABELS) >= CODES


@pytest.mark.parametrize(
    "text, code",
    [
        ("je suis en CDI chez Adecco", "cdi_interimaire"),
        ("je suis chargé de recrutement chez Adecco en CDI", "permanent_agence"),
        ("je travaille à l'agence", "permanent_agence"),
        ("je suis permanente d'agence chez Randstad", "permanent_agence"),
        ("je suis en CUI en CDI", "cui_cdi"),
        ("j'ai un CUI, c'est un CDI", "cui_cdi"),
        ("CUI en CDD", "cui_cdd"),
        ("contrat unique d'insertion", "cui"),
        ("je suis apprenti", "apprentissage"),
        ("je suis en contrat de professionnalisation", "professionnalisation"),
        ("contrat de pro en CDI", "professionnalisation_cdi"),
        ("carriste en cdi interimaire, quelles formations pour moi ?", "cdi_interimaire"),
        ("CDI-I", "cdi_interimaire"),
        ("cdii", "cdi_interimaire"),
        ("je suis intérimaire", "contrat_de_mission"),
        ("je suis en CDD", "cdd"),
        ("je suis en CDI", "cdi"),
        ("footballeur en CDD sportif", "cdd_sportif"),
    ],
)
def test_contract_typed(text: str, code: str) -> None:
    assert default_contracts().code(text) == code


@pytest.mark.parametrize("text", ["je suis soudeur", "bonjour", "", "une cdiscount", "je suis cuisinier"])
def test_no_contract(text: str) -> None:
    assert default_contracts().code(text) is None


@pytest.mark.parametrize(
    "text, code",
    [
        # the adviser's « mon intérimaire » designates the person, not a contrat de mission
        ("mon intérimaire est cariste", None),
        ("une de nos intérimaires est soudeuse", None),
        ("mon intérimaire est en CUI", "cui"),
        ("il est apprenti, c'est un intérimaire que je suis", "apprentissage"),
        # a phrase going beyond the designation still names its contract
        ("mon intérimaire en CDI", "cdi_interimaire"),
        ("un intérimaire classique", "contrat_de_mission"),
        ("une intérimaire en contrat de mission", "contrat_de_mission"),
        # without a determiner, « intérimaire » still says contrat de mission
        ("je suis intérimaire", "contrat_de_mission"),
    ],
)
def test_designations_name_no_contract(text: str, code: str | None) -> None:
    assert default_contracts().code(text) == code


def test_designation_only_hides_phrases_inside_it() -> None:
    vocabulary = ContractVocabulary(
        [Contract("contrat_de_mission", "contrat de mission", ("intérimaire",))], [], ["mon intérimaire"]
    )
    assert vocabulary.code("mon intérimaire") is None
    assert vocabulary.code("mon intérimaire, il est intérimaire depuis un an") == "contrat_de_mission"


def test_span_is_the_words_as_typed() -> None:
    text = "Je suis en CDI chez Adecco"
    hit = default_contracts().find(text)
    assert text[hit.start : hit.end] == "CDI"


def test_component_replaces_the_crf_contract() -> None:
    crf = {"entity": "contract", "value": "cdi", "start": 11, "end": 14, "extractor": "CRFEntityExtractor"}
    message = Message({"text": "je suis en CDI chez Adecco", "entities": [crf]})
    ContractEntityExtractor({}).process([message])
    (entity,) = message.get("entities")
    assert entity["value"] == "cdi_interimaire" and entity["extractor"] == "ContractEntityExtractor"
    # nothing found: the CRF's entity stays
    message = Message({"text": "en cédéi", "entities": [crf]})
    ContractEntityExtractor({}).process([message])
    assert message.get("entities") == [crf]
