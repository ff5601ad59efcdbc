"""The rules engine on a tiny, frozen knowledge base (tests/fixtures/tiny_knowledge/).

One branch (temporary work) with three métiers and eight rules, nine law rules, the
priority publics and contract readings, loaded through the real loader and schemas. The
fixture is a verbatim subset of knowledge/ that does not move when the real data does;
a few tests change one rule or table with :func:`dataclasses.replace` to reach a branch
of the engine the subset does not (``includes_law_beneficiaries``, an age-only extension).
tests/bot/test_rules.py and tests/legal/ keep testing the real knowledge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import load_knowledge_from
from bot.knowledge.models import ContractReadings, KnowledgeBase, Rule, unique_sources
from bot.profile import Profile
from bot.rules import Decision, Fact, ReasonCode, Regime, RulesEngine, Verdict

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_knowledge"
IDCC = 2378
LAST_START = date(2025, 12, 31)
SWITCH = date(2026, 1, 1)
BEFORE = date(2025, 6, 1)
AFTER = date(2026, 11, 23)

CARISTE = "logistique-transport/logistique/magasinier-cariste"
TRANSPORT = "logistique-transport/transport/responsable-d-exploitation-de-transport-de-marchandise"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_from(TINY)


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> RulesEngine:
    return RulesEngine(kb)


def person(**fields: Any) -> Profile:
    """A temporary worker, on a day a Pro-A could still start unless told otherwise."""
    fields.setdefault("today", BEFORE)
    return Profile(idcc=IDCC, **fields)


def codes(decision: Decision) -> list[ReasonCode]:
    return [reason.code for reason in decision.reasons]


def rule_ids(decision: Decision, code: ReasonCode) -> set[str]:
    return {r.rule.id for r in decision.reasons if r.code == code and r.rule}


# -- small builders on the models -------------------------------------------------------------


def with_branch_rules(kb: KnowledgeBase, rules: tuple[Rule, ...]) -> KnowledgeBase:
    branch = kb.branch(IDCC)
    return replace(kb, branches={**kb.branches, IDCC: replace(branch, rules=rules)})


def with_values(kb: KnowledgeBase, rule_id: str, **values: Any) -> KnowledgeBase:
    """The knowledge base with some values of one branch rule changed."""
    rules = tuple(replace(r, values={**r.values, **values}) if r.id == rule_id else r for r in kb.branch(IDCC).rules)
    assert any(r.id == rule_id for r in rules), rule_id
    return with_branch_rules(kb, rules)


def with_rule(kb: KnowledgeBase, like: str, new_id: str, topic: str, values: Mapping[str, Any]) -> KnowledgeBase:
    """The knowledge base with one more branch rule (a copy of ``like`` with new values)."""
    model = kb.rule(like)
    rule = replace(model, id=new_id, topic=topic, values=dict(values))
    return with_branch_rules(kb, (*kb.branch(IDCC).rules, rule))


# -- the fixture itself -------------------------------------------------------------------------


def test_the_fixture_is_tiny_and_loads_through_the_real_loader(kb):
    branch = kb.branch(IDCC)
    assert len(branch.metiers) == 3 and len(branch.rules) == 8 and len(kb.law_rules) == 9
    assert {m.id for m in branch.metiers} >= {CARISTE, TRANSPORT}
    assert set(kb.publics) == {
        "young_16_25_unqualified",
        "jobseeker_over_1_year",
        "social_minima_or_cui",
        "diploma_course",
    }


# -- regimes at the boundary dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "today, signed, regime, as_of",
    [
        (LAST_START, None, Regime.PROA, LAST_START),
        (SWITCH, None, Regime.RECONVERSION, SWITCH),
        (AFTER, LAST_START, Regime.PROA_ONGOING, LAST_START),
        (AFTER, SWITCH, Regime.RECONVERSION, AFTER),
        (date(2025, 11, 1), date(2025, 10, 1), Regime.PROA_ONGOING, date(2025, 10, 1)),
    ],
)
def test_regime_and_reading_date(engine, today, signed, regime, as_of):
    assert engine.regime(person(today=today, avenant_signed_on=signed)) == (regime, as_of)


def test_a_new_pro_a_from_2026_is_refused_with_the_reconversion_rules(engine):
    decision = engine.decide(person(today=SWITCH, contract="cdi_interimaire"))
    assert (decision.verdict, decision.regime) == (Verdict.NOT_ELIGIBLE, Regime.RECONVERSION)
    assert codes(decision)[:2] == [ReasonCode.PROA_ENDED_RULE, ReasonCode.RECONVERSION_BENEFICIARIES_RULE]
    assert [r.id for r in decision.training_rules] == ["law.reconversion.training"]
    assert [r.id for r in decision.funding_rules] == ["law.reconversion.funding"]
    assert decision.duration is None and decision.plan is None


def test_the_reconversion_procedure_applies_from_1_february_2026(engine):
    assert engine.decide(person(today=date(2026, 1, 31))).procedure_rules == ()
    on_day = engine.decide(person(today=date(2026, 2, 1)))
    assert [r.id for r in on_day.procedure_rules] == ["law.reconversion.procedure"]


def test_an_avenant_signed_after_the_end_is_said(engine):
    decision = engine.decide(person(today=AFTER, avenant_signed_on=SWITCH, contract="cdi_interimaire"))
    after = next(r for r in decision.reasons if r.code == ReasonCode.AVENANT_AFTER_END)
    assert after.params == {"signed_on": SWITCH, "last_start_date": LAST_START}


def test_an_ongoing_pro_a_keeps_the_agreement(engine):
    decision = engine.decide(person(today=AFTER, avenant_signed_on=date(2025, 11, 15), contract="cdi_interimaire"))
    assert (decision.verdict, decision.regime, decision.as_of) == (
        Verdict.ELIGIBLE,
        Regime.PROA_ONGOING,
        date(2025, 11, 15),
    )
    assert decision.reasons[0].code == ReasonCode.PROA_ONGOING_AGREEMENT
    assert decision.reasons[0].params["replacement_from"] == SWITCH
    assert [r.id for r in decision.funding_rules] == ["idcc2378.funding"]


@pytest.mark.parametrize(
    "contract, reason",
    [
        ("contrat_de_mission", ReasonCode.RECONVERSION_CONTRACT_RULE),
        ("permanent_agence", ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE),
    ],
)
def test_reconversion_says_what_the_texts_leave_open_for_a_contract(engine, contract, reason):
    assert reason in codes(engine.decide(person(today=AFTER, contract=contract)))


# -- contract verdicts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contract, verdict, reason, rules",
    [
        ("cdi_interimaire", Verdict.ELIGIBLE, ReasonCode.CONTRACT_ELIGIBLE_RULE, {"idcc2378.beneficiaries"}),
        (
            "contrat_de_mission",
            Verdict.NOT_ELIGIBLE,
            ReasonCode.CONTRACT_EXCLUDED_RULE,
            {"idcc2378.beneficiaries", "idcc2378.beneficiaries.mission"},
        ),
        # Not named by the agreement: the Pro-A law excludes it.
        ("cdd", Verdict.NOT_ELIGIBLE, ReasonCode.CONTRACT_EXCLUDED_RULE, {"law.proa.beneficiaries"}),
        (
            "permanent_agence",
            Verdict.TO_CONFIRM,
            ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE,
            {"idcc2378.beneficiaries.permanent_staff"},
        ),
        # The law opens it, the agreement does not take in the law's beneficiaries.
        ("cui_cdi", Verdict.TO_CONFIRM, ReasonCode.CONTRACT_TO_CONFIRM_RULE, {"law.proa.beneficiaries"}),
        ("apprentissage_cdi", Verdict.TO_CONFIRM, ReasonCode.CONTRACT_TO_CONFIRM_RULE, {"law.proa.work_study_cdi"}),
        ("cui", Verdict.NEEDS_INFORMATION, ReasonCode.CUI_KIND_NEEDED_RULE, {"law.proa.beneficiaries"}),
        (None, Verdict.NEEDS_INFORMATION, ReasonCode.CONTRACTS_ELIGIBLE_RULE, {"idcc2378.beneficiaries"}),
    ],
)
def test_contract_verdicts(engine, contract, verdict, reason, rules):
    decision = engine.decide(person(contract=contract))
    assert decision.verdict == verdict
    assert rule_ids(decision, reason) == rules
    assert decision.missing == ((Fact.CONTRACT,) if verdict == Verdict.NEEDS_INFORMATION else ())


def test_a_plain_cdi_is_read_as_the_cdi_the_agreement_names(engine):
    decision = engine.decide(person(contract="cdi"))
    assert (decision.verdict, decision.assumed_contract) == (Verdict.ELIGIBLE, "cdi_interimaire")


def test_the_plain_cdi_reading_is_data(kb):
    """Without the reading of knowledge/contract_readings.yml, a plain CDI is read in the law."""
    engine = RulesEngine(replace(kb, contract_readings=ContractReadings(kinds=kb.contract_readings.kinds)))
    decision = engine.decide(person(contract="cdi"))
    assert (decision.verdict, decision.assumed_contract) == (Verdict.TO_CONFIRM, None)


def test_an_agreement_taking_in_the_law_beneficiaries_makes_them_eligible(kb):
    engine = RulesEngine(with_values(kb, "idcc2378.beneficiaries", includes_law_beneficiaries=True))
    decision = engine.decide(person(contract="cui_cdi"))
    assert decision.verdict == Verdict.ELIGIBLE
    assert rule_ids(decision, ReasonCode.CONTRACT_ELIGIBLE_RULE) == {"law.proa.beneficiaries"}


# -- the diploma ceiling --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "held, level, verdict, reason",
    [
        ("cap", None, Verdict.ELIGIBLE, ReasonCode.CEILING_RULE),
        ("bts", None, Verdict.ELIGIBLE, ReasonCode.CEILING_RULE),
        ("licence", None, Verdict.NOT_ELIGIBLE, ReasonCode.CEILING_REACHED_RULE),
        ("master", None, Verdict.NOT_ELIGIBLE, ReasonCode.CEILING_REACHED_RULE),
        # A BUT is level 6, and the sources do not settle its grade.
        ("but", None, Verdict.TO_CONFIRM, ReasonCode.CEILING_TO_CONFIRM_RULE),
        (None, 5, Verdict.ELIGIBLE, ReasonCode.CEILING_RULE),
        (None, 6, Verdict.TO_CONFIRM, ReasonCode.CEILING_TO_CONFIRM_RULE),
    ],
)
def test_ceiling(engine, held, level, verdict, reason):
    decision = engine.decide(person(contract="cdi_interimaire", held_diploma=held, held_level=level))
    assert decision.verdict == verdict
    assert rule_ids(decision, reason) == {"law.proa.ceiling"}


def test_a_level_to_confirm_says_the_level(engine):
    decision = engine.decide(person(contract="cdi_interimaire", held_level=7))
    assert next(r for r in decision.reasons if r.code == ReasonCode.CEILING_TO_CONFIRM_RULE).params == {"level": 7}


def test_the_ceiling_does_not_lift_an_exclusion(engine):
    excluded = engine.decide(person(contract="contrat_de_mission", held_level=6))
    assert excluded.verdict == Verdict.NOT_ELIGIBLE
    below = engine.decide(person(contract="contrat_de_mission", held_diploma="cap"))
    assert ReasonCode.CEILING_RULE not in codes(below)


# -- durations and the priority publics ----------------------------------------------------------


def test_base_and_extended_durations(engine):
    info = engine.decide(person(contract="cdi_interimaire")).duration
    assert info is not None
    assert (info.min_months, info.max_months, info.extended_max_months, info.extension_applies) == (6, 12, 36, None)
    assert [r.id for r in info.rules] == ["idcc2378.duration", "idcc2378.duration_extension"]


@pytest.mark.parametrize(
    "fields",
    [
        {"priority_publics": frozenset({"jobseeker_over_1_year"})},
        # A CUI shows the public « minima sociaux ou contrat unique d'insertion » (publics.yml).
        {"contract": "cui_cdd"},
    ],
)
def test_the_extension_applies_to_a_priority_public(engine, fields):
    info = engine.decide(person(**fields)).duration
    assert info is not None and info.extension_applies is True


def test_an_age_alone_does_not_settle_an_extension_with_other_publics(engine):
    info = engine.decide(person(contract="cdi_interimaire", age=40)).duration
    assert info is not None and info.extension_applies is None


@pytest.fixture()
def young_only(kb: KnowledgeBase) -> KnowledgeBase:
    """The branch's extension for young people only (as in the SDLM agreement)."""
    return with_values(kb, "idcc2378.duration_extension", publics=["young_16_25_unqualified"])


@pytest.mark.parametrize("age, applies", [(15, False), (16, None), (25, None), (26, False), (None, None)])
def test_an_age_outside_16_25_rules_out_a_young_only_extension(young_only, age, applies):
    info = RulesEngine(young_only).decide(person(contract="cdi_interimaire", age=age)).duration
    assert info is not None and info.extension_applies is applies


def test_the_age_range_is_data(young_only):
    """The 16–25 range comes from knowledge/publics.yml: widen it and 26 is no longer out."""
    young = young_only.publics["young_16_25_unqualified"]
    wider = replace(young_only, publics={**young_only.publics, young.code: replace(young, max_age=30)})
    info = RulesEngine(wider).decide(person(contract="cdi_interimaire", age=26)).duration
    assert info is not None and info.extension_applies is None


# -- plan checks -----------------------------------------------------------------------------------


def plan(engine: RulesEngine, **fields: Any) -> Any:
    profile = person(**fields)
    return engine.check_plan(profile, engine.kb.branch(IDCC), profile.today)


def test_nothing_planned_nothing_checked(engine):
    assert plan(engine) is None


@pytest.mark.parametrize("months, problem", [(5, "plan_too_short"), (6, None), (12, None), (13, "plan_too_long")])
def test_planned_months_6_to_12(engine, months, problem):
    checked = plan(engine, planned_months=months)
    assert [str(p.code) for p in checked.problems] == ([problem] if problem else [])


def test_too_long_and_too_short_carry_their_figures(engine):
    assert plan(engine, planned_months=13).problems[0].params == {"months": 13, "max_months": 12}
    assert plan(engine, planned_months=2).problems[0].params == {"months": 2, "min_months": 6}


@pytest.mark.parametrize("months, ok", [(36, True), (37, False)])
def test_up_to_36_months_for_a_priority_public(engine, months, ok):
    publics = frozenset({"young_16_25_unqualified"})
    assert plan(engine, planned_months=months, priority_publics=publics).ok is ok


@pytest.mark.parametrize(
    "training, total, problems",
    [
        (149, 600, {"plan_too_few_hours"}),
        (150, 600, set()),
        (298, 2000, {"plan_share_too_low"}),
        (300, 2000, set()),
        (500, 2000, set()),
        (502, 2000, {"plan_share_too_high"}),
        (100, 2000, {"plan_too_few_hours", "plan_share_too_low"}),
    ],
)
def test_training_15_to_25_percent_and_150_hours(engine, training, total, problems):
    checked = plan(engine, planned_training_hours=training, planned_total_hours=total)
    assert {str(p.code) for p in checked.problems} == problems
    assert checked.ok is (not problems)


@pytest.fixture()
def diploma_course(kb: KnowledgeBase) -> KnowledgeBase:
    """An extension to 24 months and a training share beyond 25 % for a diploma course."""
    longer = with_rule(
        kb, "idcc2378.duration_extension", "test.extension_24", "duration_extension",
        {"max_months": 24, "publics": ["diploma_course"]},
    )  # fmt: skip
    return with_values(longer, "idcc2378.training_share", publics=["diploma_course"])


@pytest.mark.parametrize("target, ok", [("bts", True), ("bac_pro", True), ("cap", False), (None, False)])
def test_a_diploma_course_is_shown_by_the_diploma_aimed_at(diploma_course, target, ok):
    engine = RulesEngine(diploma_course)
    assert plan(engine, planned_months=24, target_diploma=target).ok is ok
    assert plan(engine, planned_training_hours=600, planned_total_hours=2000, target_diploma=target).ok is ok


# -- certifications for a target ------------------------------------------------------------------


def test_the_branch_list_for_a_diploma_kind(engine):
    decision = engine.decide(person(contract="cdi_interimaire", target_diploma="bts"))
    assert [(c.title, c.rncp) for c in decision.certifications] == [
        ("BTS Transport et prestations logistiques", "RNCP12798")
    ]


def test_the_branch_list_for_a_level_keeps_distinct_codes(engine):
    decision = engine.decide(person(contract="cdi_interimaire", target_level=3))
    assert len(decision.certifications) == 5
    assert [c.rncp for c in decision.certifications if c.title == "TP Cariste d'entrepôt"] == ["RNCP34857", "RNCP310"]


def test_a_target_narrowed_to_the_metier(engine, kb):
    transport = kb.branch(IDCC).metier(TRANSPORT)
    decision = engine.decide(person(contract="cdi_interimaire", target_level=5), transport.certifications)
    assert {c.rncp for c in decision.certifications} == {"RNCP23623", "RNCP12798"}
    without_target = engine.decide(person(contract="cdi_interimaire"), kb.branch(IDCC).metier(CARISTE).certifications)
    assert len(without_target.certifications) == 3


def test_after_2025_the_list_of_the_pro_a_is_still_given(engine):
    decision = engine.decide(person(today=AFTER, target_diploma="bts"))
    assert [c.rncp for c in decision.certifications] == ["RNCP12798"]


# -- sources ------------------------------------------------------------------------------------------


def test_decision_sources_are_those_of_the_rules_used_without_repeats(engine):
    decision = engine.decide(person(contract="contrat_de_mission", planned_months=8))
    used = decision.rules_used()
    assert len(decision.sources) < len(used)
    assert decision.sources == unique_sources(r.source for r in used)
    assert len({(s.label, s.url) for s in decision.sources}) == len(decision.sources)
    # Two rules of article 2 with the same link are one citation.
    assert [s.label for s in decision.sources].count(
        "Accord Pro-A du 22 janvier 2021 (travail temporaire, IDCC 2378), art. 2"
    ) == 1
