"""The French answers for the main cases: verdict first, parts per regime, lists that say
whose they are, the 2026 change said once, next steps, sources and the date."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.compose import PAGE_SIZE
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


def first_screen(text: str) -> str:
    """What a phone shows first: the text before the first list, or, for an answer
    without a list, the verdict line and the first part (the regime that applies)."""
    if "\n1. " in text:
        return text.split("\n1. ")[0]
    return "\n\n".join(text.split("\n\n")[:2])


def test_cariste_bts_today_says_the_pro_a_is_over(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=TODAY))
    assert answer.topic == "eligibility" and answer.verdict == "info"
    assert "même si la formation commence après" in answer.text
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
    # The question is the BTS: the verdict line answers it; the Pro-A part says yes.
    # Options first: no BTS for the cariste, but the list gives BTS to other métiers.
    assert answer.verdict_line == (
        "La liste de la branche ne prévoit pas de BTS pour « Magasinier Cariste », "
        "mais elle en prévoit pour d'autres métiers."
    )
    assert answer.route == "other_metier"
    assert answer.parts[0].heading == "Pro-A" and answer.parts[0].figure.startswith("De 6 à 12 mois")
    assert answer.parts[0].sentences[:2] == (
        "Oui, votre situation permet une Pro-A dans la branche Travail temporaire.",
        "Je considère que votre contrat est un CDI intérimaire.",
    )
    assert "de 6 à 12 mois" in answer.text and "au moins 150 heures" in answer.text
    assert "grade de licence" in answer.text
    assert answer.sources[0].label.startswith("Accord Pro-A du 22 janvier 2021")


def test_mission_contract_is_refused_with_article_2(assistant):
    answer = assistant.ask(
        "je suis préparateur de commandes en contrat de mission, j'ai droit à la pro-a ?", Profile(today=BEFORE)
    )
    assert answer.verdict == "not_eligible"
    assert answer.text.startswith("Non,")
    assert "contrat de mission" in answer.text
    assert any(s.label.endswith("art. 2") for s in answer.sources)


def test_missing_contract_is_asked(assistant):
    answer = assistant.answer_eligibility(Profile(today=BEFORE, metier_text="soudeur"))
    assert answer.verdict == "needs_information" and "contract" in answer.missing
    assert "type de contrat" in answer.text


def test_ongoing_pro_a_signed_in_2025(assistant):
    profile = Profile(
        today=TODAY, contract="cdi_interimaire", avenant_signed_on=date(2025, 12, 15), metier_text="soudeur"
    )
    answer = assistant.answer_eligibility(profile)
    assert answer.verdict == "eligible"
    assert answer.text.startswith(
        "Oui, votre Pro-A continue selon l'accord de branche Travail temporaire : de 6 à 12 mois"
    )
    assert answer.parts[0].heading == "Votre Pro-A (avenant du 15 décembre 2025)"
    assert answer.certifications and answer.certifications[0].rncp == "RNCP9467"


def test_certifications_for_a_target_the_metier_lacks_list_the_other_metiers(assistant):
    profile = Profile(today=BEFORE, metier_text="cariste", target_diploma="bts")
    answer = assistant.answer_certifications(profile)
    assert "ne prévoit pas de BTS pour « Magasinier Cariste »" in answer.text
    assert "BTS prévus pour d'autres métiers de la liste :\n1. BTS" in answer.text
    # Each BTS names the métier it is listed for: a cariste does not read them as his own.
    assert all(c.metier and c.metier != "Magasinier Cariste" for c in answer.certifications)
    assert "— pour « " in answer.text
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
    second = assistant.answer_certifications(profile, offset=first.next_offset)
    assert second.remaining == 0 and len(second.certifications) == 2
    assert "6. " in second.text
    third = assistant.answer_certifications(profile, offset=second.next_offset)
    assert "La liste est complète" in third.text


def test_ambiguous_metier_offers_buttons(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="électricien"))
    assert len(answer.buttons) == 3
    assert all(b.payload.startswith('/inform{"metier_id": "btp/electricite/') for b in answer.buttons)
    assert answer.verdict_line == "Plusieurs métiers de la liste correspondent : lequel est le vôtre ?"


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
    answer = assistant.answer_eligibility(
        Profile(today=BEFORE, contract="cdi_interimaire", metier_text="je suis coiffeuse <b>à domicile</b>")
    )
    assert "ne figure pas dans la liste" in answer.text
    assert "<b>" not in answer.text and "coiffeuse" not in answer.text and "domicile" not in answer.text


def test_a_message_that_states_no_job_gets_no_refusal_of_one(assistant):
    asked = Profile(today=TODAY, contract="cdi", metier_text="c'est qui qui met à jour la liste des formations ?")
    assert "ne figure pas dans la liste" not in assistant.answer_eligibility(asked).text
    # A list question names its job even after a weak cue (« pour un »).
    listed = Profile(today=TODAY, metier_text="quelles formations pour un astronaute ?")
    assert "ne figure pas dans la liste" in assistant.answer_certifications(listed).text


def test_a_job_given_after_a_list_question_gets_that_list(assistant):
    said = "il est magasinier cariste"
    answer = assistant.answer_message(
        said, Profile(today=TODAY, metier_text=said), context="quelles certifications pour mon intérimaire ?"
    )
    assert answer.metier_id == "logistique-transport/logistique/magasinier-cariste"
    assert answer.certification_list is not None and "RNCP34857" in answer.text


def test_an_unsure_metier_asks_first_only_where_the_list_decides(assistant):
    """The Pro-A depends on the métier's list: which métier comes first. The période de
    reconversion is open whatever the list: its verdict stays the line, the question after."""
    said = "je suis electricien"
    today = assistant.answer_eligibility(Profile(today=TODAY, contract="cdi_interimaire", metier_text=said))
    before = assistant.answer_eligibility(Profile(today=BEFORE, contract="cdi_interimaire", metier_text=said))
    assert today.verdict_line.startswith("Oui") and "Plusieurs métiers" in today.text and today.buttons
    assert before.verdict_line.startswith("Plusieurs métiers")


@pytest.mark.parametrize(
    ("text", "about_a_person"),
    [
        ("puis-je faire une période de reconversion ?", True),
        ("CDI intérimaire, avenant conclu le 3 novembre 2025 : sa Pro-A continue ?", True),
        ("on m'a parlé de 3000 € par dossier de reconversion, c'est sûr ?", False),
    ],
)
def test_a_question_on_rights_states_a_person_or_asks_may_i(assistant, text, about_a_person):
    assert assistant.asks_about_a_person(text) is about_a_person


def test_a_past_question_on_the_rights_is_answered_by_its_rule(assistant):
    """The engine decides for today: « pouvait-elle… en 2024 ? » asks how the Pro-A worked."""
    answer = assistant.answer_message(
        "En 2024, une Pro-A pouvait-elle durer 30 mois ?", Profile(today=TODAY), eligibility_asked=True
    )
    assert "idcc2378.duration_extension" in answer.rule_ids
    assert "type de contrat" not in answer.text.split("\n")[0]


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
    headings = [p.heading for p in answer.parts if p.heading]
    assert headings[:2] == ["Période de reconversion (depuis 2026)", "Pro-A signée avant 2026"]
    assert new_fact in answer.text.split("Pro-A signée avant 2026")[0]
    assert len(answer.verdict_line) <= 200


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
    answer = assistant.answer_certifications(
        Profile(idcc=1404, today=BEFORE, metier_text="technicien de maintenance engins de chantier")
    )
    titles = [c.title for c in answer.certifications]
    assert "CQP Technicien de maintenance des matériels de construction et de manutention" in titles
    assert all("en atelier" not in t for t in titles)  # removed by avenant n° 7 on 31 May 2025


def test_sources_close_every_answer_and_sentences_are_short(assistant):
    for question in (
        "combien de temps dure la pro-a ?",
        "je suis cariste en CDI, puis-je viser un BTS ?",
        "qui finance ?",
    ):
        answer = assistant.ask(question, Profile(today=TODAY))
        assert "\nSource" in answer.text
        assert all(len(s) < 400 for s in sentences(answer.text)), answer.text


def test_payload_matches_the_channel_contract(assistant):
    payload = assistant.answer_certifications(Profile(today=BEFORE, metier_text="cariste")).to_payload()
    assert payload["type"] == "proa_answer" and payload["branch"] == {"idcc": 2378, "name": "Travail temporaire"}
    assert payload["metier"]["label"] == "Magasinier Cariste"
    first = payload["certifications"][0]
    assert set(first) == {"title", "rncp", "level", "url", "metier", "note"}
    assert payload["version"] == 2 and payload["verdict_line"] == payload["text"].split("\n")[0]
    assert payload["list"]["whose"] == "metier" and payload["list"]["heading"].startswith(
        "Certifications de la liste pour « Magasinier Cariste »"
    )
    assert first["url"] == "https://www.francecompetences.fr/recherche/rncp/34857/"
    assert payload["sources"][0]["url"].startswith("https://www.legifrance.gouv.fr/")


def test_summary_is_the_prose_without_list_nor_sources(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="soudeur"))
    payload = answer.to_payload()
    assert payload["summary"] == answer.summary
    assert answer.summary.startswith("La liste de la branche prévoit 7 certifications pour « Soudeur ».")
    assert not re.search(r"(^|\n)\d+\. ", answer.summary)
    assert not re.search(r"RNCP\d", answer.summary) and "Source" not in answer.summary
    assert "voir plus" not in answer.summary
    for block in answer.summary.split("\n\n"):
        assert block in answer.text
    assert "1. TP Soudeur (RNCP9467, niveau 3)" in answer.text and "\n\nSources : " in answer.text


def test_summary_of_a_faq_answer_leaves_only_the_sources_out(assistant):
    answer = assistant.answer_faq("tutor", Profile(today=BEFORE))
    assert answer.text.startswith(answer.summary)
    assert answer.text[len(answer.summary) :].startswith("\n\nSource")


def test_headings_stand_alone_and_never_become_broken_sentences(assistant):
    """The old ``_prose`` turned « Depuis le 1er janvier 2026, avec la période de
    reconversion : » into « … avec la période de reconversion. »; headings are now their
    own line, followed by their figure, in the text and in the summary."""
    answer = assistant.answer_faq("duration", Profile(today=TODAY))
    for text in (answer.text, answer.summary):
        lines = text.split("\n")
        assert "Période de reconversion (depuis 2026) : de 150 à 450 heures de formation sur 12 mois au plus" in lines
        assert "Pro-A signée avant 2026 : de 6 à 12 mois" in lines
        assert "avec la période de reconversion." not in text
        assert not any(line.rstrip().endswith(":") for line in lines)
    # Hours of the new scheme and months of the Pro-A are in separate parts.
    new, proa = answer.parts[0], answer.parts[1]
    assert "heures" in new.figure and "mois" not in " ".join(new.sentences).split("heures")[0][:3]
    assert proa.figure == "De 6 à 12 mois" and "heures" not in " ".join(proa.sentences)


@pytest.mark.parametrize(
    "question",
    [
        "je suis en CDI intérimaire, puis-je faire une Pro-A ?",
        "je suis cariste en CDI, puis-je viser un BTS ?",
        "combien de temps dure la Pro-A ?",
        "qui finance ?",
        "quelles certifications pour un soudeur ?",
    ],
)
def test_the_first_line_answers_and_the_2026_change_comes_after(assistant, question):
    answer = assistant.ask(question, Profile(today=TODAY))
    first = answer.text.split("\n")[0]
    assert first == answer.verdict_line and len(first) <= 200
    assert not first.startswith("Depuis le 1er janvier 2026, la Pro-A est remplacée")
    assert len(first_screen(answer.text)) < 600, answer.text


def test_pro_a_question_today_says_the_route_first(assistant):
    answer = assistant.answer_eligibility(Profile(today=TODAY, contract="cdi_interimaire"))
    # The open route first, and no « Non » beside the « Oui » (issue 20).
    assert answer.verdict_line.startswith("Oui, par une période de reconversion, avec l'accord de votre employeur")
    assert "remplace la Pro-A pour tout avenant conclu depuis le 1er janvier 2026" in answer.verdict_line
    assert "non" not in answer.verdict_line.lower().split() and answer.route == "periode_reconversion"


def test_the_2026_change_is_explained_once_then_recalled_with_a_button(assistant):
    profile = Profile(today=TODAY, contract="cdi_interimaire", metier_text="soudeur")
    first = assistant.answer_eligibility(profile)
    assert first.change_explained and first.change.kind == "explained"
    assert "même si la formation commence après" in first.text
    later = assistant.answer_eligibility(profile, change_explained=True)
    assert later.change.kind == "recalled" and not later.change_explained
    assert "même si la formation commence après" not in later.text
    assert later.change.text in later.text and len(later.change.text) < 120
    assert later.buttons[-1].title == "Ce qui change en 2026"
    assert later.buttons[-1].payload == '/faq{"faq_topic": "periode_reconversion"}'
    # Asking about the période de reconversion itself explains the change.
    assert assistant.answer_faq("periode_reconversion", Profile(today=TODAY)).change_explained
    # Before 2026, nothing to explain.
    assert assistant.answer_eligibility(profile.with_(today=BEFORE)).change is None


def test_every_answer_offers_next_steps(assistant):
    for answer in (
        assistant.answer_eligibility(Profile(today=TODAY, contract="cdi")),
        assistant.answer_certifications(Profile(today=TODAY, metier_text="soudeur")),
        assistant.answer_faq("duration", Profile(today=TODAY)),
        assistant.answer_faq("no_such_topic", Profile(today=TODAY)),
    ):
        assert answer.next_steps, answer.text
        assert all(b.payload.startswith("/") for b in answer.next_steps)
    duration = assistant.answer_faq("duration", Profile(today=TODAY))
    assert '/faq{"faq_topic": "duration"}' not in [b.payload for b in duration.next_steps]


def test_a_job_not_in_the_list_is_no_dead_end(assistant):
    answer = assistant.answer_certifications(Profile(today=TODAY, metier_text="astronaute"))
    assert answer.verdict_line == "Ce métier ne figure pas dans la liste de la branche Travail temporaire."
    assert "CléA" in answer.text and "toute certification RNCP avec une période de reconversion" in answer.text
    titles = [b.title for b in answer.buttons]
    assert "Le CléA" in titles and "Période de reconversion" in titles


def test_the_clea_is_offered_only_by_a_branch_whose_rules_have_it(assistant):
    # Only IDCC 2378 has a CléA rule: the SDLM's way out of a dead end does not name it.
    assert any(r.topic == "clea" for r in assistant.kb.branch(2378).rules)
    assert not any(r.topic == "clea" for r in assistant.kb.branch(1404).rules)
    answer = assistant.answer_certifications(Profile(idcc=1404, today=TODAY, metier_text="astronaute"))
    assert answer.verdict_line == "Ce métier ne figure pas dans la liste de la branche SDLM."
    assert "CléA" not in answer.text and "toute certification RNCP avec une période de reconversion" in answer.text
    titles = [b.title for b in answer.buttons]
    assert "Le CléA" not in titles and "Période de reconversion" in titles


def test_voir_plus_without_a_list_says_what_to_ask_first(assistant):
    answer = assistant.ask("voir plus", Profile(today=TODAY))
    assert answer.verdict_line.startswith("Je n'ai pas de liste en cours : demandez d'abord une liste")
    assert answer.verdict == "needs_information" and not answer.certifications
    assert [b.payload for b in answer.buttons] == ["/ask_certifications"]


def test_voir_plus_in_a_session_shows_the_next_page_of_the_last_list(assistant):
    profile = Profile(today=BEFORE, metier_text="soudeur")
    first = assistant.ask("quelles certifications pour un soudeur ?", Profile(today=BEFORE))
    assert first.remaining and first.next_offset == PAGE_SIZE
    more = assistant.ask("voir plus", profile, list_offset=first.next_offset)
    assert more.verdict_line == "Suite de la liste pour « Soudeur »."
    assert more.certification_list is not None and more.certification_list.offset == PAGE_SIZE
    assert more.certifications == assistant.answer_certifications(profile, offset=PAGE_SIZE).certifications
    assert not set(more.certifications) & set(first.certifications)


def test_bot_ask_voir_plus_answers_in_french(capsys):
    from bot.cli import main

    assert main(["ask", "--today", "2026-11-23", "voir plus"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Je n'ai pas de liste en cours") and "[Mes certifications]" in out


def test_the_payload_carries_the_one_voir_plus_wording(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="soudeur"))
    more = answer.to_payload()["more"]
    assert more == {
        "remaining": answer.remaining,
        "hint": f"Il y en a {answer.remaining} autres : écrivez « voir plus ».",
        "button": {"title": "Voir plus", "payload": "/show_more"},
    }
    assert more["hint"] in answer.text
    complete = assistant.answer_certifications(Profile(today=BEFORE, metier_text="soudeur"), offset=PAGE_SIZE)
    assert complete.to_payload()["more"] == {"remaining": 0}


def test_a_repeated_title_with_two_rncp_codes_says_why(assistant):
    answer = assistant.answer_certifications(Profile(today=BEFORE, metier_text="cariste"))
    repeated = [c for c in answer.certifications if c.title == "TP Cariste d'entrepôt"]
    assert len(repeated) == 2 and {c.rncp for c in repeated} == {"RNCP34857", "RNCP310"}
    assert all(c.note and "RNCP34857" in c.note and "RNCP310" in c.note for c in repeated)
    assert "vérifiez sur chaque fiche laquelle est active" in answer.text


def test_sources_link_to_the_article_with_the_day_it_was_checked(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=TODAY))
    code = [s for s in answer.sources if s.label.startswith("Code du travail")]
    assert code and all(s.url and "/codes/article_lc/LEGIARTI" in s.url for s in code)
    assert all(s.checked_on and re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.checked_on) for s in answer.sources)
    payload = answer.to_payload()
    assert all("checked_on" in s for s in payload["sources"])


def test_a_contract_the_law_leaves_open_gets_no_yes(assistant):
    answer = assistant.answer_eligibility(Profile(today=TODAY, contract="contrat_de_mission"))
    assert answer.verdict_line.startswith("À confirmer auprès de votre OPCO (OPCO AKTO)")
    assert "remplace la Pro-A depuis le 1er janvier 2026" in answer.verdict_line
    assert "oui" not in answer.verdict_line.lower() and answer.route is None


def test_a_suggestion_is_asked_as_did_you_mean_with_buttons(assistant):
    from bot.matching import Candidate, MatchResult

    branch = assistant.kb.branch(2378)
    soudeur = next(m for m in branch.metiers if m.label == "Soudeur")
    match = MatchResult("soudeurr", "suggestion", (Candidate(soudeur, 80.0, "soudeur", "typo"),), None)
    answer = assistant.answers.certifications(Profile(today=TODAY), match, None)
    assert answer.verdict_line == "Vouliez-vous dire « Soudeur » ?"
    assert answer.choices[0].title == "Soudeur"
    assert answer.choices[0].payload == f'/inform{{"metier_id": "{soudeur.id}"}}'
    assert answer.verdict == "needs_information" and "metier_id" in answer.missing


# -- a next step one can take (issue 20) ------------------------------------------------


def test_an_interimaire_is_told_to_talk_to_the_agency_with_the_opco_link(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=TODAY))
    assert answer.next_step is not None
    assert "votre agence d'emploi" in answer.next_step.text and "OPCO AKTO" in answer.next_step.text
    assert [(c.name, c.url) for c in answer.next_step.contacts] == [("OPCO AKTO", "https://www.akto.fr/")]
    # After the list, before the details, in every channel's text.
    text = answer.text
    assert text.index("Prochaine étape") > text.index("1. BTS") and text.index("Prochaine étape") < text.index(
        "Détails et sources"
    )
    assert answer.to_payload()["next_step"]["contacts"] == [{"name": "OPCO AKTO", "url": "https://www.akto.fr/"}]


def test_an_sdlm_employee_is_told_to_talk_to_the_employer(assistant):
    answer = assistant.answer_eligibility(Profile(today=TODAY, idcc=1404, contract="cdi"))
    assert answer.next_step is not None and "votre employeur" in answer.next_step.text
    assert "agence" not in answer.next_step.text
    assert [c.name for c in answer.next_step.contacts] == ["OPCO EP"]


def test_the_pro_a_of_the_past_has_no_next_step(assistant):
    answer = assistant.ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=BEFORE))
    assert answer.next_step is None


def test_every_contact_address_is_an_official_https_home_page(assistant):
    contacts = assistant.kb.contacts
    assert {c.role for c in contacts} == {"opco", "cpf"}
    assert all(c.url.startswith("https://") and c.url.endswith(("gouv.fr/", ".fr/")) for c in contacts)
    # Each branch's OPCO contact is the one its agreement names.
    for idcc, branch in assistant.kb.branches.items():
        contact = assistant.kb.contact("opco", idcc)
        assert contact is not None and contact.name == branch.agreement.opco


def test_the_pro_a_asked_about_is_answered_first_then_the_route(assistant):
    asked = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="puis-je encore faire une Pro-A ?"
    )
    assert asked.verdict_line.startswith(
        "Pour une nouvelle Pro-A, non : pour un avenant conclu depuis le 1er janvier 2026"
    )
    assert "période de reconversion" in asked.verdict_line and asked.route == "periode_reconversion"
    wanted = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="je voudrais me former"
    )
    assert wanted.verdict_line.startswith("Oui, par une période de reconversion")


def test_both_schemes_asked_about_get_each_their_answer_the_open_one_first(assistant):
    answer = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="pro-a ou période de reconversion, je peux faire quoi ?"
    )
    assert answer.verdict_line.startswith("Une période de reconversion, oui")
    assert "une nouvelle Pro-A, non" in answer.verdict_line


# -- an adviser speaking of a worker (issue 20) ----------------------------------------


ADDRESSES = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


def test_an_adviser_speaking_of_a_worker_gets_the_third_person(assistant):
    answer = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="mon intérimaire voudrait se former, c'est possible ?"
    )
    assert "son employeur" in answer.verdict_line and not ADDRESSES.search(answer.verdict_line)
    assert answer.next_step is not None and not ADDRESSES.search(answer.next_step.text)
    assert "OPCO AKTO" in answer.next_step.text
    worker = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="je voudrais me former"
    )
    assert "votre employeur" in worker.verdict_line


def test_an_adviser_gets_the_rules_in_the_third_person(assistant):
    answer = assistant.answer_message(
        "pendant la période de reconversion de mon salarié, est-il couvert en cas d'accident ?", Profile(today=TODAY)
    )
    main = "\n".join([answer.verdict_line, *(s for p in answer.main_parts for s in p.sentences)])
    assert "le salarié est couvert" in main and not ADDRESSES.search(main), main


def test_every_rule_that_says_vous_has_a_third_person_summary(assistant):
    for rule in assistant.kb.all_rules():
        if ADDRESSES.search(rule.summary):
            adviser = rule.summary_for(True)
            assert adviser != rule.summary and not ADDRESSES.search(adviser.replace("renseignez-vous", "")), rule.id


def test_a_past_question_on_the_eligibility_path_gets_the_rules_of_its_time(assistant):
    # The Rasa eligibility action passes the message: « en 2025 » is read as the past.
    answer = assistant.answer_eligibility(
        Profile(today=TODAY, contract="cdi_interimaire"), text="en 2025, est-ce que je pouvais faire une pro-a ?"
    )
    assert answer.verdict_line.startswith("Oui") and "Pro-A" in answer.verdict_line
    assert "période de reconversion" not in answer.verdict_line


def test_an_answer_that_depends_on_the_contract_asks_it_with_buttons(assistant):
    answer = assistant.answer_eligibility(Profile(today=TODAY), text="en 2025, est-ce que je pouvais faire une pro-a ?")
    assert answer.verdict_line.startswith("Cela dépend de votre type de contrat")
    payloads = [b.payload for b in answer.choices]
    assert (
        '/inform{"contract": "cdi_interimaire"}' in payloads and '/inform{"contract": "contrat_de_mission"}' in payloads
    )
    assert all(b.title for b in answer.choices)


def test_what_goes_beyond_the_first_screen_is_folded():
    from bot.compose.parts import Part
    from bot.compose.rule_answer import fold_beyond_first_screen

    parts = [Part("Titre", None, ("a" * 300, "b" * 300), "proa"), Part("Autre", None, ("c" * 50,), "proa")]
    folded = fold_beyond_first_screen("L" * 100, parts, budget=600)
    main = [p for p in folded if not p.detail]
    assert [p.sentences for p in main] == [("a" * 300,)]
    assert [p.sentences for p in folded if p.detail] == [("b" * 300,), ("c" * 50,)]
    # Nothing is lost, nothing is repeated.
    assert sorted(s for p in folded for s in p.sentences) == sorted(s for p in parts for s in p.sentences)
