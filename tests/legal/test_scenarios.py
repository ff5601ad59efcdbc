"""Legal scenarios as data (tests/legal/scenarios.yml) run through the rules engine.

Each scenario gives a profile and a date, and what the engine must decide: regime,
verdict, the rules and reason codes used, figures, LEGIARTI ids and articles cited.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.loader import load_knowledge
from bot.profile import CONTRACTS, Profile
from bot.rules import Decision, RulesEngine

SCENARIOS_FILE = Path(__file__).with_name("scenarios.yml")
SCENARIOS: list[dict[str, Any]] = yaml.safe_load(SCENARIOS_FILE.read_text(encoding="utf-8"))["scenarios"]
_UNSET = object()

#: The keys a scenario may have, and those of its ``expect`` block (and of its ``plan``):
#: any other key is refused, so that a typo fails instead of checking nothing.
SCENARIO_KEYS = frozenset({"name", "profile", "expect"})
_RULE_GROUPS = ("training_rules", "funding_rules", "procedure_rules")
EXPECT_KEYS = frozenset(
    {
        "regime",
        "verdict",
        "as_of",
        "assumed_contract",
        "missing",
        "reasons",
        "not_reasons",
        "reason_codes",
        "not_reason_codes",
        "rules",
        *_RULE_GROUPS,
        *(f"not_{group}" for group in _RULE_GROUPS),
        "figures",
        "duration",
        "plan",
        "legi_ids",
        "articles",
        "listed",
        "not_listed",
        "no_date_params",
    }
)
PLAN_KEYS = frozenset({"ok", "codes"})


def unknown_keys(scenario: dict[str, Any]) -> list[str]:
    """The keys of ``scenario`` that the runner does not know (``expect.<key>`` for its
    ``expect`` block, ``expect.plan.<key>`` for the plan)."""
    expect = scenario.get("expect") or {}
    return sorted(
        [key for key in scenario if key not in SCENARIO_KEYS]
        + [f"expect.{key}" for key in expect if key not in EXPECT_KEYS]
        + [f"expect.plan.{key}" for key in expect.get("plan") or {} if key not in PLAN_KEYS]
    )


@pytest.fixture(scope="module")
def engine() -> RulesEngine:
    return RulesEngine(load_knowledge())


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def build_profile(raw: dict[str, Any]) -> Profile:
    """A Profile from a scenario's ``profile`` block."""
    fields = dict(raw)
    fields["today"] = _day(fields["today"])
    if fields.get("avenant_signed_on") is not None:
        fields["avenant_signed_on"] = _day(fields["avenant_signed_on"])
    if "priority_publics" in fields:
        fields["priority_publics"] = frozenset(fields["priority_publics"])
    return Profile(**fields)


def decision_rules(decision: Decision) -> dict[str, Any]:
    """Every rule the decision uses, by id."""
    rules = decision.rules_used()
    return {rule.id: rule for rule in rules}


def check(engine: RulesEngine, scenario: dict[str, Any]) -> None:
    unknown = unknown_keys(scenario)
    assert not unknown, f"{scenario.get('name')}: unknown keys {unknown} (known: {sorted(EXPECT_KEYS)})"
    profile = build_profile(scenario["profile"])
    decision = engine.decide(profile)
    expect = scenario["expect"]
    used = decision_rules(decision)
    reason_ids = [r.rule.id for r in decision.reasons if r.rule]
    codes = [str(r.code) for r in decision.reasons]

    if "regime" in expect:
        assert str(decision.regime) == expect["regime"]
    if "verdict" in expect:
        assert str(decision.verdict) == expect["verdict"], (decision.verdict, reason_ids)
    if "as_of" in expect:
        assert decision.as_of == _day(expect["as_of"])
    if "assumed_contract" in expect:
        assert decision.assumed_contract == expect["assumed_contract"]
    if "missing" in expect:
        assert list(decision.missing) == expect["missing"]
    for rule_id in expect.get("reasons", ()):
        assert rule_id in reason_ids, (rule_id, reason_ids)
    for rule_id in expect.get("not_reasons", ()):
        assert rule_id not in reason_ids, rule_id
    for code in expect.get("reason_codes", ()):
        assert code in codes, (code, codes)
    for code in expect.get("not_reason_codes", ()):
        assert code not in codes, code
    for rule_id in expect.get("rules", ()):
        assert rule_id in used, rule_id
    for group in _RULE_GROUPS:
        ids = {r.id for r in getattr(decision, group)}
        for rule_id in expect.get(group, ()):
            assert rule_id in ids, (group, rule_id, ids)
        for rule_id in expect.get(f"not_{group}", ()):
            assert rule_id not in ids, (group, rule_id)
    for key, value in (expect.get("figures") or {}).items():
        rule_id, name = key.rsplit(".", 1)
        rule = used.get(rule_id)
        assert rule is not None, f"{rule_id} is not used by the decision"
        assert rule.values.get(name, _UNSET) == value, (key, rule.values.get(name, _UNSET))
    if "duration" in expect:
        assert decision.duration is not None
        for name, value in expect["duration"].items():
            assert getattr(decision.duration, name) == value, (name, getattr(decision.duration, name))
    if "plan" in expect:
        assert decision.plan is not None
        assert decision.plan.ok is expect["plan"]["ok"], decision.plan.problems
        plan_codes = [str(p.code) for p in decision.plan.problems]
        for code in expect["plan"].get("codes", ()):
            assert code in plan_codes, (code, plan_codes)
    sources = decision.sources
    for legi_id in expect.get("legi_ids", ()):
        assert legi_id in {s.legi_id for s in sources}, legi_id
    for article in expect.get("articles", ()):
        assert any(s.article.startswith(article) for s in sources), article
    if "listed" in expect or "not_listed" in expect:
        list_day = min(decision.as_of, engine.last_start_date)
        titles = {c.title for c in decision.branch.certifications if c.is_listed_on(list_day)}
        for title in expect.get("listed", ()):
            assert title in titles, title
        for title in expect.get("not_listed", ()):
            assert title not in titles, title
    if expect.get("no_date_params"):
        for reason in decision.reasons:
            assert not any(isinstance(v, date) and k == "signed_on" for k, v in reason.params.items()), reason


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(engine, scenario):
    check(engine, scenario)


def test_the_scenarios_cover_what_issue_11_asks():
    assert len(SCENARIOS) >= 80
    days = {str(s["profile"]["today"]) for s in SCENARIOS}
    assert {"2025-12-31", "2026-01-01", "2026-02-01"} <= days
    assert set(CONTRACTS) <= {s["profile"].get("contract") for s in SCENARIOS}
    assert {2378, 1404} == {s["profile"]["idcc"] for s in SCENARIOS}
    assert {"proa", "proa_ongoing", "periode_reconversion"} == {s["expect"].get("regime") for s in SCENARIOS} - {None}
    publics = {p for s in SCENARIOS for p in s["profile"].get("priority_publics", ())}
    assert {"young_16_25_unqualified", "jobseeker_over_1_year", "social_minima_or_cui"} <= publics
    assert any(s["profile"].get("held_diploma") == "licence" for s in SCENARIOS)
    assert any(s["profile"].get("held_diploma") == "but" for s in SCENARIOS)


def test_a_wrong_expectation_fails(engine):
    """The runner is not a test that cannot fail."""
    scenario = dict(SCENARIOS[0])
    scenario["expect"] = dict(scenario["expect"], verdict="not_eligible")
    with pytest.raises(AssertionError):
        check(engine, scenario)


@pytest.mark.parametrize(
    "change",
    [
        {"expect.verdcit": "eligible"},  # a typo of an expectation
        {"expect.plan.code": ["too_short"]},  # a typo inside the plan
        {"expected": {}},  # a typo of the block itself
    ],
)
def test_an_unknown_key_fails(engine, change):
    """A misspelt key would check nothing: the runner refuses it."""
    scenario = {**SCENARIOS[0], "expect": dict(SCENARIOS[0]["expect"])}
    for path, value in change.items():
        if path.startswith("expect.plan."):
            scenario["expect"]["plan"] = {"ok": True, path.removeprefix("expect.plan."): value}
        elif path.startswith("expect."):
            scenario["expect"][path.removeprefix("expect.")] = value
        else:
            scenario[path] = value
    with pytest.raises(AssertionError, match="unknown keys"):
        check(engine, scenario)
