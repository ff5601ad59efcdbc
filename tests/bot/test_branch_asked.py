"""A message that names no branch gets another branch's own rule only when that rule answers
it clearly better and surely (bot.service.Assistant._in_the_branch_asked)."""

import pytest

from bot.profile import Profile
from bot.service import Assistant


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


def test_a_rule_only_another_branch_has_answers_for_that_branch(assistant):
    answer = assistant.ask("au bout de combien de temps un CQP créé par la CPNE doit-il être reconduit ?", Profile())
    assert answer.idcc == 1404 and answer.rule_ids[0] == "idcc1404.cqp_tfp_lifetime"


def test_a_word_or_two_shared_with_another_branch_keeps_the_default_branch(assistant):
    answer = assistant.ask("agent de quai dans une plateforme, je voudrais avoir le bac pro", Profile())
    assert answer.idcc == 2378
