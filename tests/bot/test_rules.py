"""The rules engine, rule by rule, at its boundary values."""

from __future__ import annotations

import ast
import re
from datetime import date

import pytest

from bot.knowledge.loader import load_knowledge
from bot.profile import Profile
from bot.rules import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    PROA,
    PROA_ONGOING,
    RECONVERSION,
    TO_CONFIRM,
    ReasonCode,
    RulesEngine,
)

BEFORE = date(2025, 6, 1)  # a day when a Pro-A could still start
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def engine() -> RulesEngine:
    return RulesEngine(load_knowledge())


def temp(**fields) -> Profile:
    fields.setdefault("today", BEFORE)
    return Profile(idcc=2378, **fields)


def sdlm(**fields) -> Profile:
    fields.setdefault("today", BEFORE)
    return Profile(idcc=1404, **fields)


# -- the 2026 switch ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, signed, expected",
    [
        (date(2025, 12, 31), None, PROA),
        (date(2026, 1, 1), None, RECONVERSION),
        (TODAY, None, RECONVERSION),
        (TODAY, date(2025, 12, 31), PROA_ONGOING),
        (TODAY, date(2024, 3, 1), PROA_ONGOING),
        (TODAY, date(2026, 1, 1), RECONVERSION),
        (date(2025, 11, 1), date(2025, 10, 1), PROA_ONGOING),
    ],
)
def test_regime_switches_on_1_january_2026(engine, today, signed, expected):
    regime, _ = engine.regime(temp(today=today, avenant_signed_on=signed))
    assert regime == expected


def test_new_pro_a_after_2025_is_refused_with_the_reconversion_rules(engine):
    decision = engine.decide(temp(today=TODAY, contract="cdi_interimaire"))
    assert decision.verdict == NOT_ELIGIBLE and decision.regime == RECONVERSION
    used = {r.rule.id for r in decision.reasons if r.rule}
    assert "law.proa.end" in used and "law.reconversion.beneficiaries" in used
    assert {r.id for r in decision.training_rules} == {"law.reconversion.training"}
    assert {"law.reconversion.funding", "law.reconversion.cpf", "law.reconversion.default_rate"} <= {
        r.id for r in decision.funding_rules
    }


def test_ongoing_pro_a_keeps_the_agreement_rules(engine):
    decision = engine.decide(temp(today=TODAY, avenant_signed_on=date(2025, 11, 15), contract="cdi_interimaire"))
    assert decision.regime == PROA_ONGOING and decision.verdict == ELIGIBLE
    assert decision.as_of == date(2025, 11, 15)
    assert decision.funding_rules[0].id == "idcc2378.funding"
    assert decision.reasons[0].code == ReasonCode.PROA_ONGOING_AGREEMENT
    assert decision.reasons[0].params["replacement_from"] == date(2026, 1, 1)


# -- beneficiaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contract, verdict",
    [
        ("cdi_interimaire", ELIGIBLE),
        ("contrat_de_mission", NOT_ELIGIBLE),
        ("cdd", NOT_ELIGIBLE),
        (None, NEEDS_INFORMATION),
    ],
)
def test_temporary_work_contracts(engine, contract, verdict):
    decision = engine.decide(temp(contract=contract))
    assert decision.verdict == verdict
    if verdict == NEEDS_INFORMATION:
        assert decision.missing == ("contract",)


def test_mission_contract_is_explained_by_article_2(engine):
    decision = engine.decide(temp(contract="contrat_de_mission"))
    assert any(r.rule and r.rule.id == "idcc2378.beneficiaries.mission" for r in decision.reasons)


def test_plain_cdi_in_temporary_work_is_read_as_cdi_interimaire(engine):
    decision = engine.decide(temp(contract="cdi"))
    assert decision.verdict == ELIGIBLE and decision.assumed_contract == "cdi_interimaire"


@pytest.mark.parametrize("contract, verdict", [("cdi", ELIGIBLE), ("cui_cdi", ELIGIBLE), ("cdd", NOT_ELIGIBLE)])
def test_sdlm_contracts(engine, contract, verdict):
    assert engine.decide(sdlm(contract=contract)).verdict == verdict


# -- level ceiling ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "held, verdict", [("cap", ELIGIBLE), ("bts", ELIGIBLE), ("licence", NOT_ELIGIBLE), ("master", NOT_ELIGIBLE)]
)
def test_licence_ceiling(engine, held, verdict):
    assert engine.decide(temp(contract="cdi_interimaire", held_diploma=held)).verdict == verdict


def test_ceiling_by_explicit_level(engine):
    assert engine.decide(temp(contract="cdi_interimaire", held_level=5)).verdict == ELIGIBLE
    # A bare level 6 is not necessarily the grade de licence: « à confirmer ».
    assert engine.decide(temp(contract="cdi_interimaire", held_level=6)).verdict == TO_CONFIRM


# -- durations ---------------------------------------------------------------------------------


def plan(engine, profile):
    branch = engine.kb.branch(profile.idcc)
    return engine.check_plan(profile, branch, profile.today)


@pytest.mark.parametrize("months, ok", [(5, False), (6, True), (12, True), (13, False)])
def test_base_duration_6_to_12_months(engine, months, ok):
    assert plan(engine, temp(planned_months=months)).ok is ok


@pytest.mark.parametrize("months, ok", [(36, True), (37, False)])
def test_36_months_for_priority_publics(engine, months, ok):
    profile = temp(planned_months=months, priority_publics=frozenset({"young_16_25_unqualified"}))
    assert plan(engine, profile).ok is ok


@pytest.mark.parametrize("months, ok", [(24, True), (25, False)])
def test_sdlm_24_months_for_a_bts(engine, months, ok):
    assert plan(engine, sdlm(planned_months=months, target_diploma="bts")).ok is ok


def test_sdlm_24_months_not_for_a_cqp(engine):
    assert not plan(engine, sdlm(planned_months=24, target_diploma="cqp")).ok


def test_sdlm_36_months_for_young_people(engine):
    profile = sdlm(planned_months=36, priority_publics=frozenset({"young_16_25_unqualified"}))
    assert plan(engine, profile).ok


def test_duration_info(engine):
    info = engine.decide(temp(contract="cdi_interimaire")).duration
    assert (info.min_months, info.max_months, info.extended_max_months) == (6, 12, 36)
    assert info.extension_applies is None
    young = engine.decide(temp(contract="cdi_interimaire", priority_publics=frozenset({"jobseeker_over_1_year"})))
    assert young.duration.extension_applies is True


# -- training share -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "training, total, ok",
    [(149, 600, False), (150, 600, True), (298, 2000, False), (300, 2000, True), (500, 2000, True), (502, 2000, False)],
)
def test_training_15_to_25_percent_and_150_hours(engine, training, total, ok):
    checked = plan(engine, temp(planned_training_hours=training, planned_total_hours=total))
    assert checked.ok is ok, checked.problems


def test_sdlm_training_beyond_25_percent_for_a_diploma_course(engine):
    assert not plan(engine, sdlm(planned_training_hours=502, planned_total_hours=2000)).ok
    assert plan(engine, sdlm(planned_training_hours=502, planned_total_hours=2000, target_diploma="bts")).ok


# -- certifications for a target -------------------------------------------------------------------


def test_bts_of_the_temporary_work_list(engine):
    decision = engine.decide(temp(contract="cdi_interimaire", target_diploma="bts"))
    titles = {c.title for c in decision.certifications}
    assert titles == {
        "BTS Transport et prestations logistiques",
        "BTS management des unités commerciales",
        "BTS Négociation et Relation Client",
    }


def test_target_narrowed_to_the_metier(engine):
    branch = engine.kb.branch(2378)
    transport = branch.metier("logistique-transport/transport/responsable-d-exploitation-de-transport-de-marchandise")
    decision = engine.decide(temp(contract="cdi_interimaire", target_diploma="bts"), transport.certifications)
    assert [c.rncp for c in decision.certifications] == ["RNCP12798"]


def test_target_level(engine):
    decision = engine.decide(temp(contract="cdi_interimaire", target_level=7))
    assert decision.certifications and all(c.level == "niveau 7" for c in decision.certifications)


# -- decisions as codes ----------------------------------------------------------------------


def test_every_reason_code_has_its_french_in_the_answers_table():
    from bot.compose.french import REASON_TEXTS
    from bot.rules import ReasonCode as Codes

    assert set(REASON_TEXTS) == set(Codes)


def test_plan_problems_are_codes_with_their_figures(engine):
    checked = plan(engine, temp(planned_months=40, planned_training_hours=100, planned_total_hours=2000))
    codes = {p.code: p.params for p in checked.problems}
    assert codes[ReasonCode.PLAN_TOO_LONG] == {"months": 40, "max_months": 12}
    assert codes[ReasonCode.PLAN_TOO_FEW_HOURS] == {"hours": 100, "min_hours": 150}
    assert codes[ReasonCode.PLAN_SHARE_TOO_LOW]["min_percent"] == 15


def test_verdicts_and_regimes_are_plain_strings_too(engine):
    decision = engine.decide(temp(contract="cdi_interimaire"))
    assert decision.verdict == "eligible" and decision.verdict in {"eligible"}
    assert str(decision.regime) == "proa"


def test_the_rules_engine_holds_no_french_sentence():
    """Issue 10: wording lives in bot/compose/; the rules engine (bot/rules.py and
    bot/rules_engine/) only has codes and keys."""
    from pathlib import Path

    import bot.rules
    import bot.rules_engine

    files = [Path(bot.rules.__file__), *sorted(Path(bot.rules_engine.__file__).parent.glob("*.py"))]
    assert len(files) > 2
    literals = [text for path in files for text in _string_literals(ast.parse(path.read_text(encoding="utf-8")))]
    assert literals and all(re.fullmatch(r"[a-z0-9_.]*", text) for text in literals), [
        t for t in literals if not re.fullmatch(r"[a-z0-9_.]*", t)
    ]


def _string_literals(tree: ast.Module) -> list[str]:
    """The string constants of a module that are not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]
