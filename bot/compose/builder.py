"""Builds answers from the rules engine's decisions, the métier match and the rules.

The verdict is the engine's (a code); this module only chooses the words, in the shape
of :mod:`bot.compose.parts`: verdict line, parts per regime, list, 2026 change, next
steps, sources. :class:`Composer` is the one entry point; each kind of answer is built in
its own module (:mod:`~bot.compose.eligibility`, :mod:`~bot.compose.certifications`,
:mod:`~bot.compose.faq`) from the shared pieces of :mod:`~bot.compose.shared` and the
pure helpers of :mod:`~bot.compose.pieces`.
"""

from __future__ import annotations

from bot.compose.answer import Answer
from bot.compose.certifications import certifications_answer, nothing_more_answer
from bot.compose.eligibility import eligibility_answer
from bot.compose.faq import CPF_TOPICS, NEXT_STEP_TOPICS, WHAT_IS_PROA_TOPIC, faq_answer, faq_next_step
from bot.compose.parts import NextStep
from bot.compose.pieces import (
    CERTIFICATIONS_TOPIC,
    CLEA_TOPIC,
    PAGE_SIZE,
    PART_BUDGET,
    RECONVERSION_TOPIC,
    Page,
    _source_items,
    listing_source,
    paginate,
    split_part,
)
from bot.compose.shared import ComposerBase
from bot.knowledge.models import Branch, Metier
from bot.matching import MatchResult
from bot.profile import Profile
from bot.rules import Decision

__all__ = [
    "CERTIFICATIONS_TOPIC",
    "CLEA_TOPIC",
    "CPF_TOPICS",
    "NEXT_STEP_TOPICS",
    "PAGE_SIZE",
    "PART_BUDGET",
    "RECONVERSION_TOPIC",
    "WHAT_IS_PROA_TOPIC",
    "Composer",
    "Page",
    "_source_items",
    "listing_source",
    "paginate",
    "split_part",
]


class Composer(ComposerBase):
    """Turns decisions, matches and rules into :class:`~bot.compose.answer.Answer` objects."""

    def eligibility(
        self,
        profile: Profile,
        decision: Decision,
        match: MatchResult | None,
        metier: Metier | None,
        change_explained: bool = False,
        scheme_asked: str = "",
    ) -> Answer:
        """Answer to « puis-je faire une Pro-A / viser un BTS ? »; ``scheme_asked``: the
        scheme the question names (``proa``, ``reconversion``, ``both``, or empty)."""
        return eligibility_answer(self, profile, decision, match, metier, change_explained, scheme_asked)

    def certifications(
        self,
        profile: Profile,
        match: MatchResult | None,
        metier: Metier | None,
        offset: int = 0,
        change_explained: bool = False,
    ) -> Answer:
        """Answer to « quelles certifications pour un soudeur ? » (and « voir plus »)."""
        return certifications_answer(self, profile, match, metier, offset, change_explained)

    def nothing_more(self, profile: Profile) -> Answer:
        """« Voir plus » with no list under way: say what to ask first."""
        return nothing_more_answer(self, profile)

    def faq(self, topic: str, profile: Profile, change_explained: bool = False) -> Answer:
        """A FAQ topic for the person's branch and date: one part per regime that matters."""
        return faq_answer(self, topic, profile, change_explained)

    def faq_next_step(self, topic: str, branch: Branch) -> NextStep | None:
        """The next step after a FAQ answer whose topic leads to one (:data:`NEXT_STEP_TOPICS`)."""
        return faq_next_step(self, topic, branch)
