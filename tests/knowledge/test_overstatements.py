"""Issue 11, item 4: what overstated the sources, each with a test that catches it coming back.

Facts are checked (rule values, verdicts, dates, sources), wording only where the fact is
the wording (« en tout ou partie », « grade de licence »).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.knowledge.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge, read_yaml
from bot.profile import Profile
from bot.rules import ReasonCode, Regime, RulesEngine, Verdict
from bot.service import Assistant

BEFORE = date(2025, 6, 1)
AFTER = date(2026, 6, 1)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def engine(kb):
    return RulesEngine(kb)


@pytest.fixture(scope="module")
def assistant():
    return Assistant.default()


# -- IDCC 2378, avenant n° 1 of 2022: it amended the agreement; its content is unknown ------


def test_avenant_1_amended_the_agreement_and_is_not_said_to_change_the_list(kb):
    rule = kb.rule("idcc2378.amendment.avenant-1")
    assert not re.search(r"liste a été modifiée|modifi\w* la liste|a changé la liste", rule.summary)
    assert "accord a été modifié" in rule.summary and "pas dans nos sources" in rule.summary
    amendment = kb.branch(2378).agreement.amendments[0]
    assert amendment.status == "content not available"


def test_the_list_answer_does_not_say_the_avenant_changed_the_list(assistant):
    answer = assistant.ask("quelles certifications pour un soudeur ?", Profile(today=BEFORE))
    assert "avenant n° 1 du 7 octobre 2022" in answer.text
    assert not re.search(r"liste a été modifiée|modifi\w* la liste", answer.text)


# -- IDCC 2378, art. 6: « en tout ou partie », 17 €/h, revisable by the CPNE -----------------


def test_17_euros_is_not_presented_as_unconditional(kb):
    rule = kb.rule("idcc2378.funding")
    assert rule.values["hourly_rate_eur"] == 17
    assert rule.values["covers_in_full_or_part"] is True and rule.values["revisable_by"] == "CPNE"
    assert "en tout ou partie" in rule.summary and "CPNE" in rule.summary
    assert "en tout ou partie" in rule.source.quote


def test_the_funding_answer_says_en_tout_ou_partie(assistant):
    answer = assistant.answer_faq("funding", Profile(today=BEFORE))
    assert "17 €" in answer.text and "en tout ou partie" in answer.text


# -- « active at the RNCP » is a caution from a secondary source, not a rule of law ----------


def test_rncp_activity_is_a_caution_with_its_real_source(kb):
    law_sources = {"code-du-travail", "code-du-travail-proa", "loi-2025-989"}
    for rule in kb.all_rules():
        if re.search(r"active au RNCP|actives? au RNCP", rule.summary):
            assert rule.source.document.id not in law_sources, rule.id
    caution = kb.rule("law.proa.rncp_active")
    assert caution.values["caution"] is True
    assert caution.source.document.kind == "secondary"
    assert "n'est pas une règle" in caution.summary


# -- The ceiling is the grade de licence, not every level-6 title -----------------------------


def test_ceiling_rules_name_the_grade_de_licence(kb):
    for rule_id in ("law.proa.ceiling", "idcc1404.ceiling"):
        rule = kb.rule(rule_id)
        assert rule.values["ceiling"] == "grade_licence"
        assert "grade de licence" in rule.summary
        assert "niveau licence" not in rule.summary


@pytest.mark.parametrize("idcc, contract", [(2378, "cdi_interimaire"), (1404, "cdi")])
def test_a_level_6_title_without_the_grade_is_not_excluded(engine, idcc, contract):
    profile = Profile(idcc=idcc, contract=contract, today=BEFORE)
    assert engine.decide(profile.with_(held_diploma="licence")).verdict == Verdict.NOT_ELIGIBLE
    for unsettled in (profile.with_(held_diploma="but"), profile.with_(held_level=6)):
        decision = engine.decide(unsettled)
        assert decision.verdict == Verdict.TO_CONFIRM
        assert ReasonCode.CEILING_TO_CONFIRM_RULE in [r.code for r in decision.reasons]


# -- IDCC 1404: diplomas too; the reservation says L6324-3, nothing more; CQPs removed --------


def test_sdlm_certifications_are_not_only_cqp_and_tfp(kb):
    branch = kb.branch(1404)
    assert "comprend aussi des diplômes" in kb.rule("idcc1404.certifications").summary
    diplomas = kb.rule("idcc1404.certifications_diplomas")
    assert diplomas.source.article == "5" and "diplômes" in diplomas.source.quote
    assert "BTS" in {c.kind for c in branch.certifications}


def test_sdlm_list_reservation_says_l6324_3_and_nothing_more(kb):
    rule = kb.rule("idcc1404.extension_reservation_list_update")
    assert "sous réserve du respect des dispositions de l'article L. 6324-3" in rule.summary
    assert "accord de branche étendu" not in rule.summary and "doit" not in rule.summary


def test_sdlm_cqps_removed_by_avenant_7_are_named_with_the_date(kb):
    rule = kb.rule("idcc1404.annex2_mcm_removed")
    assert rule.values["removed_on"] == date(2025, 5, 31)
    assert "avenant n° 7" in rule.summary and "31 mai 2025" in rule.summary
    for title in rule.values["removed"]:
        assert title.split("CQP ")[1] in rule.summary
    removed = [
        c for c in kb.branch(1404).certifications if c.status == "removed" and c.listed_until == date(2025, 5, 30)
    ]
    assert len(removed) == 2
    for certification in removed:
        assert certification.is_listed_on(date(2025, 5, 30)) and not certification.is_listed_on(date(2025, 5, 31))


# -- Période de reconversion: pay kept (internal); funding beyond teaching needs an agreement;
#    the R-articles from 1 February 2026 -------------------------------------------------------


def test_pay_is_kept_in_the_internal_form(kb):
    rule = kb.rule("law.reconversion.internal_pay")
    assert rule.values == {"form": "internal", "pay_kept": True}
    assert rule.source.article.startswith("L6324-3") and rule.source.legi_id == "LEGIARTI000052437338"


def test_pay_and_side_costs_funding_always_depend_on_an_agreement(kb):
    for rule in kb.law_for("funding", AFTER) + kb.law_for("pay", AFTER):
        if not rule.id.startswith("law.reconversion.") or rule.id == "law.reconversion.internal_pay":
            continue
        if re.search(r"rémunération|frais annexes", rule.summary):
            assert "accord" in rule.summary, rule.id
    assert kb.rule("law.reconversion.funding_beyond_teaching").values["needs_agreement"] is True
    assert kb.rule("law.reconversion.pay_funding_agreement").source.article == "L6324-10"


def test_the_r_and_d_articles_apply_from_1_february_2026(kb):
    for rule in kb.law_rules:
        # The Pro-A rules quote the D-articles of before 2026 (valid until 31 December 2025).
        if re.match(r"[RD]\d", rule.source.article) and rule.source.legi_id and rule.id.startswith("law.reconversion."):
            assert rule.valid_from == date(2026, 2, 1), rule.id
    january = {r.id for r in kb.law_for("procedure", date(2026, 1, 15))}
    assert january == {"law.reconversion.procedure_january"}
    assert "law.reconversion.procedure" in {r.id for r in kb.law_for("procedure", date(2026, 2, 1))}


def test_the_average_5000_euros_is_per_opco_not_per_person(kb):
    rule = kb.rule("law.reconversion.average_amount")
    assert "par OPCO" in rule.summary and "pas une somme garantie" in rule.summary


# -- Transition: the avenant concluded before 1 January 2026; never an invented date ----------


def test_the_transition_is_about_the_avenant_concluded(kb):
    end = kb.rule("law.proa.end")
    assert "avenant" in end.summary and "conclu" in end.summary
    assert "commencée" not in end.summary


def test_answers_after_the_switch_never_speak_of_a_pro_a_commencee(assistant):
    for topic in ("duration", "funding", "procedure", "pay"):
        answer = assistant.answer_faq(topic, Profile(today=AFTER))
        assert "commencée" not in answer.text, topic


def test_no_date_is_invented_when_the_person_gave_none(engine):
    decision = engine.decide(Profile(contract="cdi_interimaire", today=AFTER))
    assert decision.regime == Regime.RECONVERSION
    assert all("signed_on" not in r.params for r in decision.reasons)
    given = engine.decide(Profile(contract="cdi_interimaire", today=AFTER, avenant_signed_on=date(2025, 12, 31)))
    assert given.regime == Regime.PROA_ONGOING and given.reasons[0].params["signed_on"] == date(2025, 12, 31)


# -- Mention complémentaire: levels 3 and 4 both exist ----------------------------------------


def test_mention_complementaire_has_no_single_level(kb):
    assert kb.diplomas["mc"].level is None
    source = read_yaml(DEFAULT_KNOWLEDGE_DIR / "diplomas.yml")["source"]
    assert "niveau 3 or niveau 4" in source["quote"]


def test_the_pay_answer_after_the_switch_says_pay_is_kept_internally(assistant):
    answer = assistant.answer_faq("pay", Profile(today=AFTER))
    urls = {s.url for s in answer.sources}
    assert "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000052437338" in urls  # L6324-3, I
    assert "sans modification" in answer.text
