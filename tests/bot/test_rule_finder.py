"""The rule finder, the question reader and the rule scope on tiny hand-made rules.

The rules here are built in the test (a few fields each), so that editing knowledge/
never moves these tests; tests/legal/rule_questions.yml checks the real rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge_from
from bot.knowledge.models import ClosedAsk, DocumentKind, Rule, SourceDocument, SourceRef
from bot.understanding.question_reading import PROA, RECONVERSION, read_question
from bot.understanding.rule_finder import RuleFinder
from bot.understanding.rule_search import (
    REGIME_ONGOING,
    REGIME_PROA,
    REGIME_RECONVERSION,
    RuleScope,
    search_rules,
)

TODAY = date(2026, 12, 7)
LAST = date(2025, 12, 31)
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_knowledge"
_DOC = SourceDocument("code", DocumentKind("law"), "Code du travail", "Code du travail", None)


def rule(rule_id: str, topic: str, question: str, asks: tuple[str, ...], summary: str, **dates: date | None) -> Rule:
    return Rule(
        id=rule_id,
        topic=topic,
        title=question,
        summary_template=summary,
        values={},
        valid_from=dates.get("valid_from"),
        valid_until=dates.get("valid_until"),
        source=SourceRef(_DOC, "L1", None, "quote"),
        question=question,
        asks=asks,
    )


RULES = (
    rule(
        "accident",
        "accident_cover",
        "Suis-je couvert en cas d'accident pendant la formation ?",
        ("se blesser pendant la formation", "accident du travail", "sécurité sociale"),
        "Vous êtes couvert contre les accidents du travail.",
        valid_from=date(2026, 1, 1),
    ),
    rule(
        "fees",
        "fees",
        "Dois-je payer des frais d'inscription ?",
        ("frais d'inscription", "c'est payant", "dois-je payer quelque chose"),
        "Aucun frais d'inscription ne peut vous être demandé.",
        valid_from=date(2026, 1, 1),
    ),
    rule(
        "duration",
        "duration",
        "Combien de temps dure la Pro-A ?",
        ("combien de mois", "durée de la pro-a", "ça dure combien de temps"),
        "La Pro-A dure de 6 à 12 mois.",
        valid_until=LAST,
    ),
)


@pytest.fixture(scope="module")
def finder() -> RuleFinder:
    return RuleFinder(RULES, lemma=lambda word: word)


def test_the_rule_asked_comes_first(finder: RuleFinder) -> None:
    assert finder.rank("je me suis blessé en formation, je suis couvert ?")[0].rule.id == "accident"
    assert finder.rank("est ce que l'inscription est payante ?")[0].rule.id == "fees"
    assert finder.rank("la pro-a ça dure combien de mois ?")[0].rule.id == "duration"


def test_a_hit_carries_the_answer_of_its_closest_yes_no_phrasing() -> None:
    pay = replace(
        rule(
            "pay",
            "pay",
            "Mon salaire est-il maintenu pendant la formation ?",
            ("rémunération pendant la formation",),
            "Votre rémunération est maintenue.",
        ),
        answer="oui",
        closed_asks=(
            ClosedAsk("L'employeur peut-il baisser mon salaire pendant la formation ?", "non"),
            ClosedAsk("Je perds ma paie quand je suis en cours ?", "non"),
        ),
    )
    finder = RuleFinder((*RULES, pay), lemma=lambda word: word)
    kept = finder.rank("est-ce que mon salaire est maintenu quand je suis en formation ?")[0]
    lowered = finder.rank("mon employeur a le droit de baisser mon salaire pendant ma formation ?")[0]
    assert (kept.rule.id, kept.answer) == ("pay", "oui")
    assert (lowered.rule.id, lowered.answer) == ("pay", "non")
    assert lowered.answered == "L'employeur peut-il baisser mon salaire pendant la formation ?"
    assert 0 < lowered.answer_share <= 1
    # A rule without yes/no phrasings answers no « oui » or « non ».
    assert finder.rank("frais d'inscription ?")[0].answer is None
    # The answer comes from a phrasing turned the same way as the question, however many
    # words it shares with one turned the other way (« je perds ma paie… » is no answer to
    # « je touche toujours ma paie… »).
    kept = finder.rank("quand je suis en cours je touche toujours ma paie ?")[0]
    assert (kept.rule.id, kept.answer) == ("pay", "oui")


def test_a_typo_still_finds_its_rule(finder: RuleFinder) -> None:
    assert finder.rank("frais d'inscripsion ?")[0].rule.id == "fees"


def test_nothing_to_rank_in_empty_or_function_words(finder: RuleFinder) -> None:
    assert finder.rank("") == []
    assert finder.rank("je le la les") == []


def test_the_predicate_filters_the_ranking(finder: RuleFinder) -> None:
    hits = finder.rank("combien de mois ?", keep=lambda r: r.id != "duration")
    assert all(h.rule.id != "duration" for h in hits)


@pytest.mark.parametrize(
    "text, avenant, start",
    [
        ("avenant conclu le 30/12/2025, début des cours le 15/02/2026", date(2025, 12, 30), date(2026, 2, 15)),
        (
            "la formation commence le 15/02/2026 et l'avenant a été signé le 20/12/2025",
            date(2025, 12, 20),
            date(2026, 2, 15),
        ),
        ("début de la formation le 15/02/2026", None, date(2026, 2, 15)),
    ],
)
def test_dates_carry_their_role(text: str, avenant: date | None, start: date | None) -> None:
    reading = read_question(text, TODAY)
    assert (reading.avenant_on, reading.start_on) == (avenant, start)


def test_time_words_and_tenses_put_a_question_in_the_past() -> None:
    assert read_question("en 2025, un intérimaire pouvait-il faire une pro-a ?", TODAY).past
    assert read_question("l'an dernier, combien durait la formation ?", TODAY).past
    assert not read_question("combien dure la formation ?", TODAY).past
    assert read_question("la pro-a dure combien ?", TODAY).scheme == PROA
    assert read_question("et la période de reconversion ?", TODAY).scheme == RECONVERSION


def test_the_transition_is_decided_by_the_avenant_not_the_start() -> None:
    scope = RuleScope(load_knowledge_from(TINY), LAST)
    ongoing = read_question("avenant conclu le 30/12/2025, cours à partir du 10/02/2026", TODAY)
    assert scope.regime(ongoing, TODAY) == (REGIME_ONGOING, date(2025, 12, 30), False)
    late = read_question("avenant conclu le 05/01/2026, cours à partir du 10/02/2026", TODAY)
    assert scope.regime(late, TODAY) == (REGIME_RECONVERSION, LAST, True)
    start_only = read_question("la formation commence le 10/02/2026, combien d'heures ?", TODAY)
    assert scope.regime(start_only, TODAY)[0] is None


def test_a_past_question_reads_the_pro_a_rules_only(finder: RuleFinder) -> None:
    scope = RuleScope(load_knowledge_from(TINY), LAST)
    past = read_question("en 2025, ça durait combien de mois ?", TODAY)
    assert scope.regime(past, TODAY)[0] == REGIME_PROA
    search = search_rules(finder, scope, "en 2025, ça durait combien de mois ?", 2378, TODAY, past)
    assert search.best is not None and search.best.rule.id == "duration"
    assert all(scope.regime_of(h.rule) == REGIME_PROA for h in search.hits)


def test_unsure_below_the_threshold(finder: RuleFinder) -> None:
    scope = RuleScope(load_knowledge_from(TINY), LAST)
    text = "bonjour, j'ai une question sur mon planning de la semaine"
    search = search_rules(finder, scope, text, 2378, TODAY, read_question(text, TODAY))
    assert search.unsure and not search.sure


@pytest.mark.parametrize(
    "text, questions",
    [
        ("qui finance la formation et le salaire est-il maintenu ?", 2),
        ("quelle durée, et combien d'heures de formation au minimum ?", 2),
        ("combien de temps dure la pro-a ?", 1),
        ("je suis cariste et je voudrais un BTS", 1),
    ],
)
def test_a_message_is_split_into_its_questions(text: str, questions: int) -> None:
    from bot.understanding.question_reading import split_questions

    assert len(split_questions(text)) == questions


def test_closed_questions_and_what_could_turn_them_round() -> None:
    assert read_question("peut-on faire une VAE en pro-a ?", TODAY).yes_no
    assert read_question("est-ce que le CléA est éligible", TODAY).yes_no
    assert not read_question("combien dure la pro-a ?", TODAY).yes_no
    assert not read_question("c koi la pro-a ?", TODAY).yes_no
    turned = read_question("est-il interdit de faire une pro-a en mission ?", TODAY)
    assert turned.yes_no and turned.negative
    assert not read_question("peut-on faire une VAE en pro-a ?", TODAY).negative


def test_an_agreement_amendment_date_is_no_avenant_date() -> None:
    reading = read_question("qu'a changé l'avenant n° 7 du 26 novembre 2024 ?", TODAY)
    assert reading.avenant_on is None and not reading.avenant_named
    assert read_question("mon avenant pro-a, je suis en pro-a ou en période de reconversion ?", TODAY).avenant_named


def test_a_date_after_the_switch_is_read_in_the_new_scheme() -> None:
    scope = RuleScope(load_knowledge_from(TINY), LAST)
    reading = read_question("en janvier 2026, quel forfait s'appliquait ?", TODAY)
    assert reading.past and scope.regime(reading, TODAY)[0] == REGIME_RECONVERSION


def test_everyday_words_read_as_the_rules_words(finder: RuleFinder) -> None:
    """The lexicon's synonyms: the words people use for those of the texts."""
    assert finder.terms("mon patron dans ma boite") == finder.terms("mon employeur dans mon entreprise")
    assert finder.terms("il fallait forcement un tuteur") == finder.terms("il fallait obligatoirement un tuteur")


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("mon salarié garde-t-il son salaire ?", True),
        ("combien de temps dure la formation ?", False),
        ("c'est qui qui paie la formation ?", False),
        # a relative « qui » after a noun asks nothing
        ("une période externe qui ne débouche pas sur une embauche : retrouve-t-il son poste ?", True),
        # the first line answers the first question
        ("la formation peut-elle avoir lieu hors du temps de travail ? à l'initiative de qui ?", True),
        ("qui paie la formation ? et est-ce obligatoire ?", False),
        # a choice before the relative « qui » asks which one
        ("c'est moi ou mon employeur qui envoie le dossier ?", False),
        # « que » opens a question at the start of a clause only
        ("en période externe, que devient mon contrat ?", False),
        ("est-ce que je garde mon salaire ?", True),
        ("pour que la formation soit payée, faut-il un accord ?", True),
    ],
)
def test_a_closed_question_is_read_from_its_first_question(text, closed):
    assert read_question(text, date(2026, 12, 7)).yes_no is closed


def test_the_words_after_the_question_word_are_what_is_asked(finder: RuleFinder) -> None:
    """« combien de mois … ? » asks months; its words weigh more than the rest of the
    message (« pendant la formation » also matches the accident rule)."""
    assert finder.focus("pendant la formation, combien de mois dure la pro-a ?") == "mois duree"
    assert finder.focus("je suis couvert ?") == ""
    assert finder.rank("pendant la formation, combien de mois dure la pro-a ?")[0].rule.id == "duration"


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("une certification qui ne figurait pas sur la liste, c'était possible ?", True),
        ("il n'a jamais été inscrit, il peut quand même ?", True),
        ("c'est pas payé ?", True),
        ("je garde mon salaire ?", False),
        ("plus de 12 mois, c'est possible ?", False),
    ],
)
def test_a_negation_around_a_verb_turns_the_question_round(text, negative):
    assert read_question(text, TODAY).negative is negative


def test_a_when_that_opens_a_condition_is_not_what_is_asked(finder: RuleFinder) -> None:
    assert finder.focus("quand je suis en formation, combien de mois dure la pro-a ?") == "mois duree"
    assert finder.focus("quand commence la pro-a ?").startswith("commence")


def test_a_question_on_the_askers_own_case_today_is_read_as_such() -> None:
    assert read_question("je suis payé sur quelle base pendant ma formation ?", TODAY).own_case
    assert not read_question("le tuteur devait avoir combien d'années d'expérience ?", TODAY).own_case


def test_a_comparison_downwards_turns_a_closed_question_round():
    # « inférieures » asks the other way round from « supérieures »: only a phrasing turned
    # the same way gives its « Oui » / « Non ».
    assert read_question("L'accord peut-il prévoir des indemnités inférieures aux indemnités légales ?", TODAY).negative
    assert read_question("sa rémunération pouvait-elle descendre sous la RMMG ?", TODAY).negative
    assert not read_question("L'accord peut-il prévoir des indemnités supérieures aux légales ?", TODAY).negative


def test_a_yes_no_phrasing_that_asks_a_figure_answers_only_a_message_with_that_figure():
    small = replace(
        rule(
            "small",
            "funding",
            "Une petite entreprise pouvait-elle obtenir plus que le forfait ?",
            ("dépenses au-delà du forfait",),
            "Dans les entreprises de moins de 50 salariés, les dépenses au-delà du forfait pouvaient être financées.",
        ),
        answer="oui",
        closed_asks=(
            ClosedAsk("Le seuil des dépenses au-delà du forfait était-il de 11 salariés ?", "non"),
            ClosedAsk("Une entreprise de moins de 50 salariés pouvait-elle obtenir plus ?", "oui"),
        ),
    )
    finder = RuleFinder((small,), lemma=lambda word: word)
    (hit,) = finder.rank("les dépenses au-delà du forfait pouvaient-elles être financées ?")
    assert hit.answer == "oui"
    (hit,) = finder.rank("le seuil des dépenses au-delà du forfait était-il de 11 salariés ?")
    assert hit.answer == "non"


def test_an_avenant_signed_now_or_dated_has_its_day():
    now = read_question("puis-je encore signer un avenant Pro-A avec mon salarié ?", TODAY)
    assert now.avenant_on == TODAY and now.signing_now
    assert read_question("pour une pro-a fallait-il signer un avenant ?", TODAY).avenant_on is None  # the past
    dated = read_question("un avenant Pro-A daté du 10 janvier 2026 est-il valable ?", TODAY)
    assert dated.avenant_on == date(2026, 1, 10) and not dated.signing_now
