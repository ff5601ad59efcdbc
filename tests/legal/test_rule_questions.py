"""Rule routing on the real knowledge: YAML scenarios (rule_questions.yml), and every rule
reachable by its own question (issue 19: no rule that no question can reach)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.profile import Profile
from bot.service import Assistant

SCENARIOS = Path(__file__).with_name("rule_questions.yml")
TODAY = date(2026, 12, 7)
KEYS = {"q", "idcc", "today", "first", "regime", "yes_no"}
#: How a first line opens with a yes/no answer (bot/compose/french.py YES_NO).
OPENINGS = {"oui": "Oui.", "non": "Non.", "cela dépend": "Cela dépend."}


def _scenarios() -> list[dict[str, Any]]:
    data = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    for item in data["questions"]:
        unknown = set(item) - KEYS
        assert not unknown, f"unknown keys {unknown} in {item['q']!r}"
    return list(data["questions"])


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


@pytest.mark.parametrize("case", _scenarios(), ids=lambda c: c["q"][:50])
def test_the_rule_asked_answers_first(assistant: Assistant, case: dict[str, Any]) -> None:
    profile = Profile(idcc=case.get("idcc", 2378), today=case.get("today", TODAY))
    answer = assistant.answer_message(case["q"], profile)
    expected = case["first"] if isinstance(case["first"], list) else [case["first"]]
    assert answer.rule_ids and answer.rule_ids[0] in expected, (answer.rule_ids, answer.verdict_line)
    if "regime" in case:
        assert answer.reading is not None and answer.reading["regime"] == case["regime"]
    if "yes_no" in case:
        opening = next((word for word, start in OPENINGS.items() if answer.verdict_line.startswith(start)), "none")
        assert opening == case["yes_no"], answer.verdict_line
    if case["q"].startswith("dans l'intérim, combien de mois"):
        assert {"idcc2378.duration", "idcc2378.funding"} <= set(answer.rule_ids)
    # The first line cites the article of the rule that answers (a law article without its
    # parenthesis: « L6325-13 (applicable par D6324-1) » is cited « L6325-13 »).
    rule = assistant.kb.rule(answer.rule_ids[0])
    assert rule.source.article.split(" (")[0] in answer.verdict_line


def test_every_rule_is_reached_by_its_own_question(assistant: Assistant) -> None:
    """A rule's `question`, asked in its branch and regime, finds that rule or one that
    shares the question: no rule is out of reach."""
    unreachable = []
    last = assistant.engine.last_start_date
    for rule in assistant.kb.all_rules():
        if not rule.question:
            unreachable.append(f"{rule.id}: no question")
            continue
        idcc = assistant.rule_scope.branch_of(rule) or 2378
        past = assistant.rule_scope.regime_of(rule) == "proa" and assistant.rule_scope.branch_of(rule) is None
        today = last if past else TODAY
        if not rule.is_valid_on(today):
            today = rule.valid_from or today
        search = assistant.search_rules(rule.question, Profile(idcc=idcc, today=today))
        found = {h.rule.question for h in search.hits[:3]}
        if rule.question not in found:
            unreachable.append(f"{rule.id}: {[h.rule.id for h in search.hits[:3]]}")
    assert not unreachable, "\n".join(unreachable)


@pytest.mark.parametrize(
    "text, first_word",
    [
        ("avenant signé le 20 décembre 2025, formation en mars 2026 : c'est toujours une pro-a ?", "Oui."),
        ("avenant conclu le 6 janvier 2026 : est-ce encore une pro-a ?", "Non."),
    ],
)
def test_the_avenant_date_answers_whether_it_is_still_a_pro_a(assistant: Assistant, text: str, first_word: str) -> None:
    line = assistant.answer_message(text, Profile(today=TODAY)).verdict_line
    assert line.startswith(first_word), line


def test_an_avenant_without_its_date_is_asked_for_it(assistant: Assistant) -> None:
    answer = assistant.answer_message(
        "j'ai signé un avenant, je suis en pro-a ou en période de reconversion ?", Profile(today=TODAY)
    )
    assert answer.verdict == "needs_information" and answer.verdict_line.endswith("?")
    assert answer.missing == ("avenant_date",)


def test_a_question_about_the_list_is_answered_by_its_rule_not_by_a_metier_question(assistant: Assistant) -> None:
    """« who keeps the list up to date? » names the list without asking which certifications:
    its rule answers (as `bot ask` and the channels route it); « which certifications for my
    employee? » still asks for the métier first."""
    profile = Profile(idcc=1404, today=TODAY)
    about = assistant.ask("qui tient à jour la liste des certifs de la branche ?", profile)
    assert list(about.rule_ids[:1]) == ["idcc1404.certification_list"]
    assert not assistant.needs_profile(
        "qui tient à jour la liste des certifs de la branche ?", profile, "certifications"
    )
    which = assistant.ask("quelles certifications pour mon salarié ?", profile)
    assert not which.rule_ids and which.missing
    assert assistant.needs_profile("quelles certifications pour mon salarié ?", profile, "certifications")


def test_a_follow_up_that_changes_a_fact_asks_the_same_question_at_the_same_time(assistant: Assistant) -> None:
    """« et avec un master ? » after a question on the person's rights in 2024: the engine
    answers it again for the new diploma, in 2024 (the Pro-A's diploma ceiling), not a
    rule on diplomas, and not for today."""
    from bot.understanding.parse import parse_question

    profile = Profile(idcc=1404, today=TODAY, contract="cdi")
    first = "en 2024, avec un bac pro, j'avais droit à la pro-a ?"
    parsed = parse_question(first, assistant.kb, profile)
    assert assistant.route(parsed).verdict_line.startswith("Oui")
    parsed = parse_question("et avec un master ?", assistant.kb, parsed.profile)
    answer = assistant.route(parsed, context=first)
    assert not answer.rule_ids and answer.verdict_line.startswith("Non"), answer.verdict_line


def test_a_question_that_states_the_persons_situation_gets_the_rule_it_asks(assistant: Assistant) -> None:
    """« j'ai 20 ans…, ma Pro-A peut durer combien ? » states facts of the person but asks a
    duration: its rule answers (with the longer duration of some publics), not the engine's
    eligibility verdict; « puis-je faire une Pro-A ? » stays the engine's."""
    profile = Profile(today=TODAY)
    text = "j'ai 20 ans et aucun diplôme, ma pro-a signée en octobre 2025 peut durer combien de temps au maximum ?"
    # as `bot ask` routes it, and as the channels' eligibility action sends it
    channel = assistant.answer_message(text, profile, eligibility_asked=assistant.asks_about_a_person(text))
    for answer in (assistant.ask(text, profile), channel):
        assert list(answer.rule_ids[:2]) == ["idcc2378.duration", "idcc2378.duration_extension"]
    assert not assistant.ask("je suis en CDI intérimaire, puis-je faire une pro-a ?", profile).rule_ids
