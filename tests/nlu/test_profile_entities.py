"""Tests of the Rasa component ``nlu.profile_entities.ProfileEntityExtractor`` on the real
knowledge: spans, roles, several facts in one message, nothing read in a phone number."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.profile_entities import ProfileEntityExtractor


@pytest.fixture(scope="module")
def extractor() -> ProfileEntityExtractor:
    return ProfileEntityExtractor({})


def entities(extractor: ProfileEntityExtractor, text: str, given: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    message = Message({"text": text, "entities": list(given)})
    extractor.process([message])
    return message.get("entities")


def facts(extractor: ProfileEntityExtractor, text: str) -> list[tuple[str, str, str | None, str]]:
    """(entity, value, role, words as typed) of each entity."""
    return [(e["entity"], e["value"], e.get("role"), text[e["start"] : e["end"]]) for e in entities(extractor, text)]


def test_spans_are_the_words_as_typed(extractor: ProfileEntityExtractor) -> None:
    text = "Je vise un Brevet de Technicien Supérieur"
    (entity,) = entities(extractor, text)
    assert (entity["start"], entity["end"]) == (11, len(text))
    assert entity["value"] == "bts" and entity["role"] == "target"
    assert entity["extractor"] == "ProfileEntityExtractor" and entity["confidence_entity"] == 1.0


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "j'ai un CAP pâtissier, est ce que je peux viser un BP ?",
            [("diploma", "cap", "held", "CAP"), ("diploma", "bp", "target", "BP")],
        ),
        ("mon diplôme c'est un bac pro", [("diploma", "bac_pro", "held", "bac pro")]),
        ("cuisinière en CDI intérimaire avec un CAP", [("diploma", "cap", "held", "CAP")]),
        ("j'aimerais viser une licence pro", [("diploma", "licence_pro", "target", "licence pro")]),
        ("quels titres pro pour un soudeur ?", [("diploma", "titre_pro", "target", "titres pro")]),
        ("je suis déjà bac+3, c'est bloquant ?", [("level", "6", "held", "bac+3")]),
        ("niveau 5 visé", [("level", "5", "target", "niveau 5")]),
        ("j'ai un bac et je voudrais un bac + 2", [("level", "4", "held", "bac"), ("level", "5", "target", "bac + 2")]),
        ("dans le but de faire un BUT", [("diploma", "but", "target", "BUT")]),
        ("il faut changer de cap", []),
    ],
)
def test_diplomas_and_levels_with_their_roles(extractor: ProfileEntityExtractor, text: str, expected: list) -> None:
    assert facts(extractor, text) == expected


def test_several_facts_in_one_message(extractor: ProfileEntityExtractor) -> None:
    text = "j'ai 38 ans, j'ai obtenu un BTS en 2015, avenant signé le 12 décembre 2025, je vise un master en SDLM"
    assert facts(extractor, text) == [
        ("age", "38", None, "38"),
        ("diploma", "bts", "held", "BTS"),
        # Only the avenant's date is a `date` entity (the slot avenant_date): the year the
        # diploma was obtained is none.
        ("date", "12 décembre 2025", None, "12 décembre 2025"),
        ("diploma", "master", "target", "master"),
        ("branch", "1404", None, "SDLM"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "mon numéro est 06 12 34 56 78",
        "appelez le 06.12.34.56.78 svp",
        "+33 6 12 34 56 78",
        "écrivez à bts.2015@exemple.fr",
        "je travaille depuis 15 ans",
        "20 ans d'expérience",
    ],
)
def test_no_fact_in_a_phone_number_an_address_or_a_duration(extractor: ProfileEntityExtractor, text: str) -> None:
    assert facts(extractor, text) == []


def test_an_age_beside_a_phone_number(extractor: ProfileEntityExtractor) -> None:
    assert facts(extractor, "j'ai 34 ans, mon numéro est 06 12 34 56 78") == [("age", "34", None, "34")]


def test_contract_words_are_no_branch_but_en_interim_is(extractor: ProfileEntityExtractor) -> None:
    assert facts(extractor, "je suis en CDI intérimaire depuis 2019") == []  # no avenant date
    assert ("branch", "2378", None, "intérim") in facts(extractor, "je bosse comme ripeur en intérim")


def test_a_branch_alias_inside_a_metier_is_no_branch(extractor: ProfileEntityExtractor) -> None:
    metier = {"entity": "metier", "value": "agent d'espaces verts", "start": 8, "end": 29, "extractor": "X"}
    found = entities(extractor, "je suis agent d'espaces verts", [metier])
    assert found == [metier]


def test_other_extractors_profile_entities_are_replaced_and_payloads_kept(extractor: ProfileEntityExtractor) -> None:
    crf = {"entity": "diploma", "value": "cap", "start": 0, "end": 3, "role": "target", "extractor": "CRF"}
    contract = {"entity": "contract", "value": "cdi", "start": 11, "end": 14, "extractor": "X"}
    found = entities(extractor, "j'ai un BTS en CDI", [crf, contract])
    assert contract in found and crf not in found
    assert ("diploma", "bts", "held") in [(e["entity"], e["value"], e.get("role")) for e in found]
    payload = {"entity": "metier_id", "value": "x"}
    assert entities(extractor, '/inform{"metier_id": "x"}', [payload]) == [payload]
