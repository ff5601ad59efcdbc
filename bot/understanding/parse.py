"""A simple built-in parser of French questions, so the core can be tried without Rasa.

:func:`parse_question` reads one message into a profile and a kind (eligibility,
certifications, FAQ, « voir plus »). It recognises the contract (from
``knowledge/contracts.yml``), the diplomas and levels held or aimed at, the age, the
branch, dates (the avenant's) and the FAQ topic; the métier is left to the matcher,
which gets the whole message. What the message asks is read from the cues of
``knowledge/lexicon/question_cues.yml`` and ``questions.yml``.

The parser's parts live beside it, one job each, and are re-exported here (their older
home), so ``bot.understanding.parse.find_facts`` and the like keep working:

- :mod:`bot.understanding.text_values`: folding, dates and numbers as typed;
- :mod:`bot.understanding.profile_facts`: the facts of a profile a message names, with
  their spans (Rasa's NLU emits them as entities, ``nlu/profile_entities.py``);
- :mod:`bot.understanding.date_roles`: what a date is the date of;
- :mod:`bot.understanding.job_phrase_spans`: the phrases that may name the person's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.contracts import default_contracts
from bot.knowledge.models import KnowledgeBase
from bot.profile import Profile
from bot.text import normalize
from bot.understanding.date_roles import AGREEMENT, AMENDMENT, AVENANT, ROLE_WINDOW, START, date_role
from bot.understanding.faq_topics import default_faq_topics
from bot.understanding.job_phrase_spans import job_phrases
from bot.understanding.profile_facts import (
    AGE,
    BRANCH,
    DATE,
    DIPLOMA,
    HELD,
    LEVEL,
    TARGET,
    Fact,
    dated_facts,
    find_facts,
    first_value,
    parse_branch,
    parse_targets,
)
from bot.understanding.question_cues import question_cues
from bot.understanding.question_words import default_question_words
from bot.understanding.text_values import fold, fold_with_offsets, parse_date, parse_int

__all__ = [
    "AGE",
    "AGREEMENT",
    "AMENDMENT",
    "AVENANT",
    "BRANCH",
    "DATE",
    "DIPLOMA",
    "HELD",
    "KIND_CERTIFICATIONS",
    "KIND_ELIGIBILITY",
    "KIND_FAQ",
    "KIND_MORE",
    "LEVEL",
    "ROLE_WINDOW",
    "START",
    "TARGET",
    "Fact",
    "ParsedQuestion",
    "asks_eligibility",
    "date_role",
    "dated_facts",
    "find_facts",
    "fold",
    "fold_with_offsets",
    "job_phrases",
    "parse_branch",
    "parse_date",
    "parse_int",
    "parse_question",
    "parse_targets",
]

#: Kinds of :class:`ParsedQuestion`.
KIND_ELIGIBILITY, KIND_CERTIFICATIONS, KIND_FAQ, KIND_MORE = "eligibility", "certifications", "faq", "more"


@dataclass(frozen=True)
class ParsedQuestion:
    """What the built-in parser understood."""

    kind: str  # "eligibility" | "certifications" | "faq" | "more"
    profile: Profile
    faq_topic: str | None = None
    #: Asks for the list of certifications (« quelles formations », « que puis-je préparer »).
    asks_list: bool = False


def asks_eligibility(text: str) -> bool:
    """Whether a message asks if the person may have a Pro-A or a période de reconversion:
    « puis-je… », « mon intérimaire peut-il… », but not an open question on who may
    (« quels profils peuvent avoir une Pro-A allongée ? »), which a rule answers."""
    folded = fold(text)
    cues = question_cues()
    if cues.asks_eligibility.search(folded) is None:
        return False
    return not (cues.open_start.match(folded) and not cues.first_person.search(folded))


def _stated_changes(text: str, kb: KnowledgeBase) -> dict[str, object]:
    """The profile's fields the message states: its text (the métier's), the contract,
    the diplomas and levels held or aimed at, the age, the branch, the avenant's date."""
    changes: dict[str, object] = {"metier_text": text}
    contract = default_contracts().code(text)
    if contract:
        changes["contract"] = contract
    facts = find_facts(text)
    for role, field in ((HELD, "held_diploma"), (TARGET, "target_diploma")):
        code = first_value(facts, DIPLOMA, role)
        if code:
            changes[field] = code
    held_level = first_value(facts, LEVEL, HELD)
    if held_level and "held_diploma" not in changes:
        changes["held_level"] = int(held_level)
    target_level = first_value(facts, LEVEL, TARGET)
    if target_level and "target_diploma" not in changes:
        changes["target_level"] = int(target_level)
    age = first_value(facts, AGE)
    if age:
        changes["age"] = int(age)
    idcc = parse_branch(text, kb)
    if idcc:
        changes["idcc"] = idcc
    publics = stated_publics(text, kb)
    if publics:
        changes["priority_publics"] = publics
    for _, day, day_role in dated_facts(text):
        if day_role == AVENANT:  # never the training's start date
            changes["avenant_signed_on"] = day
            break
    return changes


def stated_publics(text: str, kb: KnowledgeBase) -> frozenset[str]:
    """The priority publics a message says the person is in (« je suis au RSA »: the words
    of ``knowledge/publics.yml``)."""
    phrases = tuple((public.code, phrase) for public in kb.publics.values() for phrase in public.words)
    if not phrases:
        return frozenset()
    normalised = normalize(text)
    return frozenset(code for code, pattern in _public_patterns(phrases) if pattern.search(normalised))


@lru_cache(maxsize=4)
def _public_patterns(phrases: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    codes = dict.fromkeys(code for code, _ in phrases)
    return tuple(
        (
            code,
            re.compile(
                r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for c, p in phrases if c == code) + r")(?![a-z0-9])"
            ),
        )
        for code in codes
    )


def parse_question(text: str, kb: KnowledgeBase, base: Profile) -> ParsedQuestion:
    """Parse one French question into a profile (completing ``base``) and a kind."""
    folded = fold(text)
    changes = _stated_changes(text, kb)
    profile = base.with_(**changes)

    cues = question_cues()
    if cues.more.search(folded):
        return ParsedQuestion(KIND_MORE, profile)
    topic = default_faq_topics().find(folded)
    eligibility_asked = cues.asks_eligibility.search(folded)
    words = default_question_words()
    asks_list = words.asks_a_list(text)
    # « puis-je utiliser mon CPF ? » asks about a topic, not whether the person is
    # eligible: a topic wins over « puis-je » when nothing of the person's situation
    # (contract, diploma or level aimed at) comes with it.
    situation = any(k in changes for k in ("contract", "target_diploma", "target_level"))
    if topic and not asks_list and (not eligibility_asked or not situation):
        return ParsedQuestion(KIND_FAQ, profile, topic)
    if asks_list and not eligibility_asked:
        return ParsedQuestion(KIND_CERTIFICATIONS, profile, asks_list=True)
    return ParsedQuestion(KIND_ELIGIBILITY, profile, asks_list=asks_list)
