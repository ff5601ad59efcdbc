"""The wording (bot/compose) on the tiny, frozen knowledge base of
tests/fixtures/tiny_knowledge/ (one branch, three métiers, eight rules): cases that do
not need the real list, so that editing a real data file does not break them.
tests/bot/test_answers.py keeps testing the answers on the real knowledge.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.compose import Composer
from bot.compose.builder import CLEA_TOPIC, _source_items
from bot.knowledge.loader import load_knowledge_from
from bot.knowledge.models import KnowledgeBase
from bot.matching import STATUS_NOT_IN_LIST, MatchResult
from bot.profile import Profile
from bot.rules import RulesEngine

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_knowledge"
IDCC = 2378
BEFORE = date(2025, 6, 1)
AFTER = date(2026, 11, 23)
CARISTE = "logistique-transport/logistique/magasinier-cariste"
NOT_IN_LIST = MatchResult(query="astronaute", status=STATUS_NOT_IN_LIST, candidates=(), enjeux=None)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_from(TINY)


def composer_for(kb: KnowledgeBase) -> Composer:
    return Composer(kb, RulesEngine(kb))


def with_clea_rule(kb: KnowledgeBase) -> KnowledgeBase:
    """The tiny branch with one more rule of topic ``clea`` (a copy of its duration rule)."""
    branch = kb.branch(IDCC)
    clea = replace(branch.rules[0], id="tiny.clea", topic=CLEA_TOPIC)
    return replace(kb, branches={IDCC: replace(branch, rules=(*branch.rules, clea))})


def test_the_tiny_branch_has_no_clea_rule(kb):
    assert not any(rule.topic == CLEA_TOPIC for rule in kb.branch(IDCC).rules)


@pytest.mark.parametrize("today", [BEFORE, AFTER])
def test_a_dead_end_names_the_clea_only_where_a_rule_has_it(kb, today):
    profile = Profile(idcc=IDCC, today=today, metier_text="astronaute")
    without = composer_for(kb).certifications(profile, NOT_IN_LIST, None)
    assert "CléA" not in without.text
    assert "Le CléA" not in [b.title for b in without.buttons]
    assert "toute certification RNCP avec une période de reconversion" in without.text

    with_rule = composer_for(with_clea_rule(kb)).certifications(profile, NOT_IN_LIST, None)
    assert "Vous pouvez viser le CléA" in with_rule.text
    assert "Le CléA" in [b.title for b in with_rule.buttons]


def test_sources_are_cited_once_per_label_and_link(kb):
    rule = kb.branch(IDCC).rules[0]
    same_article = replace(rule.source, quote="Une autre phrase du même article.")
    items = _source_items([rule.source, None, same_article, rule.source])
    assert [(i.label, i.url) for i in items] == [(rule.source.label, rule.source.url)]
    assert items[0].checked_on == (rule.source.checked_on.isoformat() if rule.source.checked_on else None)


@pytest.mark.parametrize("today", [BEFORE, AFTER])
def test_answers_cite_each_source_once(kb, today):
    composer = composer_for(kb)
    branch = kb.branch(IDCC)
    profile = Profile(idcc=IDCC, today=today, contract="cdi_interimaire", metier_id=CARISTE)
    metier = branch.metier(CARISTE)
    answers = [
        composer.certifications(profile, None, metier),
        composer.eligibility(profile, composer.engine.decide(profile, metier.certifications), None, metier),
        composer.faq("duration", profile),
    ]
    for answer in answers:
        cited = [(s.label, s.url) for s in answer.sources]
        assert cited and len(cited) == len(set(cited)), answer.text


def test_a_metier_list_says_whose_it_is_and_has_no_voir_plus_when_complete(kb):
    metier = kb.branch(IDCC).metier(CARISTE)
    answer = composer_for(kb).certifications(Profile(idcc=IDCC, today=BEFORE), None, metier)
    assert answer.verdict_line == "La liste de la branche prévoit 3 certifications pour « Magasinier Cariste »."
    assert answer.remaining == 0 and "voir plus" not in answer.text
    assert answer.to_payload()["more"] == {"remaining": 0}


def test_voir_plus_with_no_list_says_what_to_ask(kb):
    answer = composer_for(kb).nothing_more(Profile(idcc=IDCC, today=AFTER))
    assert "demandez d'abord une liste" in answer.verdict_line
    assert [b.payload for b in answer.buttons] == ["/ask_certifications"]
