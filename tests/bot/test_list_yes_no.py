"""A list that answers a closed question opens with « Oui » / « Non » (bot.service.Assistant._list_yes_no),
and a diploma kind is said in the plural for more than one (bot.knowledge.metier_models.Diploma.label_for)."""

import pytest

from bot.knowledge.metier_models import Diploma
from bot.profile import Profile
from bot.service import Assistant


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.default()


def test_a_job_not_in_the_list_asked_closed_gets_no(assistant):
    answer = assistant.ask(
        "je suis jardinier paysagiste, y a-t-il une certif pour moi dans la liste pro-a ?", Profile()
    )
    assert answer.verdict_line.startswith("Non. ") and "ne figure pas" in answer.verdict_line


def test_a_job_of_the_list_asked_closed_gets_yes_and_its_list(assistant):
    answer = assistant.ask("je suis soudeur, y a-t-il une certif pour moi dans la liste ?", Profile())
    assert answer.verdict_line.startswith("Oui. ") and answer.certifications


def test_an_open_question_gets_the_list_without_yes_or_no(assistant):
    answer = assistant.ask("quelles certifications pour un soudeur ?", Profile())
    assert not answer.verdict_line.startswith(("Oui", "Non")) and answer.certifications


def test_a_diploma_kind_is_plural_for_more_than_one():
    kind = Diploma("titre_pro", "titre professionnel", None, ("TP ",), plural="titres professionnels")
    assert kind.label_for(1) == "titre professionnel" and kind.label_for(3) == "titres professionnels"
    assert Diploma("bts", "BTS", 5, ("BTS ",)).label_for(2) == "BTS"
