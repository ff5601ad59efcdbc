"""The French answers for the main cases: wording, verdicts, lists, sources and the date."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.answers import PAGE_SIZE
from bot.profile import Profile
from bot.service import Assistant

BEFORE = date(2025, 6, 1)
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


def sentences(text: str) -> list:
    body = text.split("\nSource")[0]
    return [s for s in re.split(r"(?<=[.?!])\s+", body.replace("\n", " ")) if s]


def test_cariste_bts_today_says_the_pro_a_is_over(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=TODAY))
    assert answer.topic == "eligibility" and answer.verdict == "info"
    assert "ne peut plus commencer" in answer.text
    assert "période de reconversion" in answer.text
    assert "à confirmer auprès de votre OPCO (OPCO AKTO)" in answer.text
    # cariste has no BTS in the list: the BTS of the other métiers are listed instead,
    # in the text and in the structured answer, with their RNCP code and level.
    assert "ne prévoit pas de BTS pour « Magasinier Cariste »" in answer.text
    assert "BTS Transport et prestations logistiques" in answer.text
    assert answer.certifications and all(c.title.upper().startswith("BTS") for c in answer.certifications)
    assert all(c.rncp and c.rncp.startswith("RNCP") and c.level for c in answer.certifications)
    assert "BTS Transport et prestations logistiques (RNCP" in answer.text
    assert any("Loi n° 2025-989" in s.label for s in answer.sources)


def test_cariste_bts_in_2025_is_eligible_with_the_agreement(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=BEFORE))
    assert answer.verdict == "eligible"
    assert answer.text.startswith("Je considère que votre contrat est un CDI intérimaire. Oui,")
    assert "de 6 à 12 mois" in answer.text and "au moins 150 heures" in answer.text
    assert "grade de licence" in answer.text
    assert answer.sources[0].label.startswith("Accord Pro-A du 22 janvier 2021")


def test_mission_contract_is_refused_with_article_2(assistant):
    answer = assistant.ask("je suis préparateur de commandes en contrat de mission, j'ai droit à la pro-a ?", Profile(today=BEFORE))
    assert answer.verdict == "not_eligible"
    assert answer.text.startswith("Non,")
    assert "contrat de mission" in answer.text
    assert any(s.label.endswith("art. 2") for s in answer.sources)


def test_missing_contract_is_asked(assistant):
    answer = assistant.answer_eligibility(Profile(today=BEFORE, metier_text="soudeur"))
    assert answer.verdict == "needs_information" and "contract" in answer.missing
    assert "type de contrat" in answer.text


def test_ongoing_pro_a_signed_in_2025(assistant):
    profile = Profile(today=TODAY, contract="cdi_interimaire", avenant_signed_on=date(2025, 12, 15), metier_text="soudeur")
    answer = assistant.answer_eligibility(profile)
    assert answer.verdict == "eligible"
    assert answer.text.startswith("Votre avenant Pro-A a été conclu le 15 décembre 2025")
    assert answer.certifications and answer.certifications[0].rncp == "RNCP9467"


def test_certifications_for_a_target_the_metier_lacks_list_the_other_metiers(assistant):
    profile = Profile(today=BEFORE, metier_text="cariste", target_diploma="bts")
    answer = assistant.answer_certifications(profile)
    assert "ne prévoit pas de BTS pour « Magasinier Cariste »" in answer.text
    assert "d'autres métiers :\n1. BTS" in answer.text
    assert "Suite de la liste" not in answer.text
    assert answer.metier_id and answer.certifications
    assert all(c.title.upper().startswith("BTS") for c in answer.certifications)


def test_certifications_for_a_metier_are_paginated(assistant):
    profile = Profile(today=BEFORE, metier_text="soudeur")
    first = assistant.answer_certifications(profile)
    assert len(first.certifications) == PAGE_SIZE
    assert first.remaining == 2 and "voir plus" in first.text
    assert "1. TP Soudeur (RNCP9467, niveau 3)" in first.text
    assert "fiche RNCP" in first.text and "avenant n° 1 du 7 octobre 2022" in first.text
    second = assistant.answer_certifications(profile, offset=first.extra["next_offset"])
    assert second.remaining == 0 and len(second.certifications) == 2
    assert "6. " in second.text
    third = assistant.answer_certifications(profile, offset=second.extra["next_offset"])
    assert "La liste est complète" in third.text


def test_ambiguous_metier_offers_buttons(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="électricien"))
    assert len(answer.buttons) == 3
    assert all(b.payload.startswith('/inform{"metier_id": "btp/electricite/') for b in answer.buttons)
    assert "Lequel est le vôtre ?" in answer.text


def test_chosen_metier_id_wins_over_text(assistant):
    profile = Profile(today=BEFORE, metier_text="électricien", metier_id="btp/electricite/electricien-batiment")
    answer = assistant.answer_certifications(profile)
    assert answer.metier_label == "Electricien bâtiment"
    assert [c.rncp for c in answer.certifications] == ["RNCP31116", "RNCP27774", "RNCP30328"]


def test_enjeux_metier_without_certification(assistant):
    answer = assistant.answer_eligibility(Profile(today=BEFORE, contract="cdi_interimaire", metier_text="plaquiste"))
    assert "métiers à enjeux" in answer.text and "aucune certification" in answer.text
    assert any(s.label.endswith("art. 3-2") for s in answer.sources)


def test_unknown_metier_is_not_echoed(assistant):
    answer = assistant.answer_eligibility(Profile(today=BEFORE, contract="cdi_interimaire", metier_text="je suis <b>coiffeuse</b>"))
    assert "ne figure pas dans la liste" in answer.text
    assert "<b>" not in answer.text and "coiffeuse" not in answer.text


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("duration", "de 6 à 12 mois"),
        ("funding", "17 € par heure"),
        ("pay", "rémunération mensuelle minimale garantie"),
        ("tutor", "tuteur"),
        ("procedure", "lettre de mission-formation"),
        ("scope_dromcom", "DROM-COM"),
        ("clea", "CléA"),
        ("vae", "VAE"),
        ("level_ceiling", "grade de licence"),
        ("beneficiaries", "CDI intérimaire"),
    ],
)
def test_faq_pro_a_rules_before_2026(assistant, topic, expected):
    answer = assistant.answer_faq(topic, Profile(today=BEFORE))
    assert expected in answer.text
    assert "période de reconversion" not in answer.text
    assert answer.sources


@pytest.mark.parametrize(
    "topic, new_fact",
    [("duration", "150 à 450 heures"), ("funding", "9,15 € par heure"), ("procedure", "30 jours")],
)
def test_faq_today_gives_the_new_scheme_first(assistant, topic, new_fact):
    answer = assistant.answer_faq(topic, Profile(today=TODAY))
    assert answer.text.startswith("Depuis le 1er janvier 2026")
    assert new_fact in answer.text
    assert "avenant a été conclu avant le 1er janvier 2026" in answer.text


def test_faq_today_without_verified_new_rule_says_to_ask_the_opco(assistant):
    answer = assistant.answer_faq("tutor", Profile(today=TODAY))
    assert "reste à confirmer auprès de votre OPCO (OPCO AKTO)" in answer.text


def test_faq_sdlm_uses_its_own_agreement(assistant):
    answer = assistant.answer_faq("funding", Profile(idcc=1404, today=BEFORE))
    assert "9,15 €" in answer.text and "15 €" in answer.text and "OPCO EP" in answer.text
    assert any(s.url and "KALIARTI" in s.url for s in answer.sources)


def test_sdlm_metier_whose_list_is_not_in_kali(assistant):
    answer = assistant.answer_certifications(Profile(idcc=1404, today=BEFORE, metier_text="mécanicien agricole"))
    assert "Je ne connais pas de certification" in answer.text
    assert "BOCC" in answer.text or "bulletin officiel" in answer.text


def test_sdlm_listed_metier(assistant):
    answer = assistant.answer_certifications(Profile(idcc=1404, today=BEFORE, metier_text="technicien de maintenance engins de chantier"))
    titles = [c.title for c in answer.certifications]
    assert "CQP Technicien de maintenance des matériels de construction et de manutention" in titles
    assert all("en atelier" not in t for t in titles)  # removed by avenant n° 7 on 31 May 2025


def test_sources_close_every_answer_and_sentences_are_short(assistant):
    for question in ("combien de temps dure la pro-a ?", "je suis cariste en CDI, puis-je viser un BTS ?", "qui finance ?"):
        answer = assistant.ask(question, Profile(today=TODAY))
        assert "\nSource" in answer.text
        assert all(len(s) < 400 for s in sentences(answer.text)), answer.text


def test_payload_matches_the_channel_contract(assistant):
    payload = assistant.answer_certifications(Profile(today=BEFORE, metier_text="cariste")).to_payload()
    assert payload["type"] == "proa_answer" and payload["branch"] == {"idcc": 2378, "name": "Travail temporaire"}
    assert payload["metier"]["label"] == "Magasinier Cariste"
    first = payload["certifications"][0]
    assert set(first) == {"title", "rncp", "level", "url"}
    assert first["url"] == "https://www.francecompetences.fr/recherche/rncp/34857/"
    assert payload["sources"][0]["url"].startswith("https://www.legifrance.gouv.fr/")


def test_summary_is_the_prose_without_list_nor_sources(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="soudeur"))
    payload = answer.to_payload()
    assert payload["summary"] == answer.summary
    intro, closing = answer.summary.split(". ", 1)[0], answer.summary.rsplit(". ", 1)[-1]
    assert answer.text.startswith(intro + " :\n1. ") and closing in answer.text
    assert intro.startswith("Certifications de la liste de la branche pour « Soudeur »")
    assert not re.search(r"(^|\n)\d+\. ", answer.summary)
    assert not re.search(r"RNCP\d", answer.summary) and "Source" not in answer.summary
    assert "voir plus" not in answer.summary
    # Every sentence of the summary is in the full text, which adds the list and sources.
    assert "1. TP Soudeur (RNCP9467, niveau 3)" in answer.text and "\nSources : " in answer.text


def test_summary_of_a_faq_answer_leaves_only_the_sources_out(assistant):
    answer = assistant.answer_faq("tutor", Profile(today=BEFORE))
    assert answer.text.startswith(answer.summary)
    assert answer.text[len(answer.summary):].startswith("\nSource")
