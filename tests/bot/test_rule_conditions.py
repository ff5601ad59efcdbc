"""The cases that decide between rules answering one question (bot.understanding.rule_conditions),
and the question back when a message states none (bot.compose.rule_answer)."""

from bot.compose.parts import AnswerVerdict
from bot.profile import Profile
from bot.service import Assistant
from bot.understanding.rule_conditions import RuleConditions

TINY = RuleConditions({"form": {"internal": ["interne", "dans mon entreprise"], "external": ["externe", "ailleurs"]}})


def test_the_case_a_message_states():
    assert TINY.stated("ma période de reconversion interne", "form") == "internal"
    assert TINY.stated("je pars ailleurs", "form") == "external"
    assert TINY.stated("interne ou externe ?", "form") is None  # both: no one case
    assert TINY.states_any("interne ou externe ?", "form")
    assert not TINY.states_any("je garde mon salaire ?", "form")
    assert TINY.cases("form") == ("internal", "external") and TINY.cases("other") == ()


def test_a_question_without_its_case_is_asked_which_with_both_answers_below():
    answer = Assistant.default().ask("je garde mon salaire pendant ma période de reconversion ?", Profile())
    assert answer.verdict == AnswerVerdict.NEEDS_INFORMATION
    assert "interne" in answer.verdict_line and "externe" in answer.verdict_line
    assert {"law.reconversion.internal_pay", "law.reconversion.external_pay"} <= set(answer.rule_ids)
    assert [b.title for b in answer.choices] == ["Période interne", "Période externe"]
    assert all(b.payload.endswith("?") and "salaire" in b.payload for b in answer.choices)


def test_a_question_with_its_case_gets_that_case_only():
    answer = Assistant.default().ask("je garde mon salaire pendant ma période de reconversion interne ?", Profile())
    assert answer.verdict_line.startswith("Oui") and answer.rule_ids == ("law.reconversion.internal_pay",)
