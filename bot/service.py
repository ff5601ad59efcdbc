"""The core's single entry point for the Rasa actions and the command line."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from bot.compose import Answer, Composer
from bot.compose.parts import AnswerTopic
from bot.knowledge.loader import load_knowledge
from bot.knowledge.models import KnowledgeBase, Metier
from bot.matching import STATUS_MATCHED, MatchResult, MetierMatcher
from bot.missing import certifications_missing, eligibility_missing
from bot.parse import ParsedQuestion, parse_branch, parse_question
from bot.profile import Profile
from bot.rules import RulesEngine

#: The kind :func:`bot.parse.parse_question` gives « voir plus » / « la suite ».
_KIND_MORE = "more"

#: Profiles whose missing facts are kept (a few hundred bytes each).
MISSING_CACHE_SIZE = 4096


class Assistant:
    """Knowledge, matchers, rules engine and answer builder, loaded once."""

    def __init__(self, kb: KnowledgeBase, matchers: dict[int, MetierMatcher] | None = None) -> None:
        """``matchers``: métier matchers already built for ``kb`` (the index cache's)."""
        self.kb = kb
        self.engine = RulesEngine(kb)
        self.answers = Composer(kb, self.engine)
        self._matchers: dict[int, MetierMatcher] = dict(matchers or {})
        self._lock = threading.Lock()
        # Profiles are frozen: what one lacks never changes (the form asks it several
        # times per turn, and again at each turn that adds nothing).
        self._missing = lru_cache(maxsize=MISSING_CACHE_SIZE)(self._compute_missing)

    @classmethod
    def default(cls) -> Assistant:
        """The process-wide assistant on the repository's knowledge (loaded on first use)."""
        return _default_assistant()

    # -- métiers ------------------------------------------------------------------------
    def matcher(self, idcc: int) -> MetierMatcher:
        """The métier matcher of a branch (built once, thread-safe)."""
        with self._lock:
            if idcc not in self._matchers:
                self._matchers[idcc] = MetierMatcher(self.kb.branch(idcc))
            return self._matchers[idcc]

    def match_metier(self, text: str, idcc: int, profile: Profile | None = None) -> MatchResult:
        """Rank the branch's métiers for what the person typed; the diploma or level the
        profile aims at picks among similar métiers the one whose list has it."""
        target = self.kb.diplomas.get(profile.target_diploma) if profile and profile.target_diploma else None
        level = profile.target_level if profile else None
        return self.matcher(idcc).match(text, target=target, target_level=level)

    def resolve_metier(self, profile: Profile) -> tuple[MatchResult | None, Metier | None]:
        """The métier of the profile: by id when chosen, else by matching its text."""
        branch = self.kb.branch(profile.idcc)
        if profile.metier_id:
            try:
                return None, branch.metier(profile.metier_id)
            except KeyError:
                pass  # an id from another branch: fall back to the text
        if not profile.metier_text:
            return None, None
        match = self.match_metier(profile.metier_text, profile.idcc, profile)
        if match.status == STATUS_MATCHED and match.best is not None:
            return match, match.best.metier
        return match, None

    # -- what is missing ------------------------------------------------------------------
    def missing_for(self, topic: str, profile: Profile) -> tuple[str, ...]:
        """What the answer on ``topic`` (``eligibility`` or ``certifications``; nothing
        for the others) lacks for ``profile``, the same tuple as the composed answer's
        ``missing``, without composing it. Cached per profile."""
        return self._missing(topic, profile)

    def _compute_missing(self, topic: str, profile: Profile) -> tuple[str, ...]:
        if topic not in ("eligibility", "certifications"):
            return ()
        match, metier = self.resolve_metier(profile)
        if topic == "certifications":
            return certifications_missing(
                self.engine.diploma(profile.target_diploma), profile.target_level, match, metier
            )
        decision = self.engine.decide(profile, metier.certifications if metier else None)
        return eligibility_missing(decision.missing, match, metier)

    # -- answers ------------------------------------------------------------------------
    # ``change_explained``: the 2026 change was already explained in this conversation
    # (a slot), so the answer only recalls it.
    def answer_eligibility(self, profile: Profile, change_explained: bool = False) -> Answer:
        """« Puis-je faire une Pro-A / viser un BTS ? »"""
        match, metier = self.resolve_metier(profile)
        decision = self.engine.decide(profile, metier.certifications if metier else None)
        return self.answers.eligibility(profile, decision, match, metier, change_explained)

    def answer_certifications(self, profile: Profile, offset: int = 0, change_explained: bool = False) -> Answer:
        """« Quelles certifications pour un soudeur ? » and its following pages."""
        match, metier = self.resolve_metier(profile)
        return self.answers.certifications(profile, match, metier, offset, change_explained)

    def answer_faq(self, topic: str, profile: Profile, change_explained: bool = False) -> Answer:
        """A FAQ topic (duration, funding, pay, tutor…) for the profile's branch and date."""
        return self.answers.faq(topic, profile, change_explained)

    def parse_branch(self, text: str) -> int | None:
        """IDCC named in a text (« intérim » → 2378, « SDLM » → 1404), if any."""
        return parse_branch(text, self.kb)

    def answer_more(self, profile: Profile, list_offset: int | None, change_explained: bool = False) -> Answer:
        """« Voir plus »: the page of the profile's list from ``list_offset`` (where the last
        answer's list stopped, :attr:`Answer.next_offset`), or, with no list under way
        (``None``), a French answer saying what to ask first."""
        if list_offset is None:
            return self.answers.nothing_more(profile)
        return self.answer_certifications(profile, offset=list_offset, change_explained=change_explained)

    def ask(
        self,
        text: str,
        profile: Profile | None = None,
        change_explained: bool = False,
        list_offset: int | None = None,
    ) -> Answer:
        """Answer one free-text question with the built-in parser (no Rasa).

        ``profile`` is what the conversation already knows; ``list_offset`` where its last
        list stopped (``None``: no list under way), for « voir plus »."""
        base = profile or Profile()
        return self.route(parse_question(text, self.kb, base), change_explained, list_offset, base)

    def route(
        self,
        parsed: ParsedQuestion,
        change_explained: bool = False,
        list_offset: int | None = None,
        session: Profile | None = None,
    ) -> Answer:
        """Send a parsed question to the right answer. « Voir plus » names no métier: it
        pages the list of ``session`` (the profile the conversation had), else of the
        parsed profile."""
        if parsed.kind == _KIND_MORE:
            return self.answer_more(session or parsed.profile, list_offset, change_explained)
        if parsed.kind == AnswerTopic.FAQ and parsed.faq_topic:
            return self.answer_faq(parsed.faq_topic, parsed.profile, change_explained)
        if parsed.kind == AnswerTopic.CERTIFICATIONS:
            return self.answer_certifications(parsed.profile, change_explained=change_explained)
        return self.answer_eligibility(parsed.profile, change_explained)


@lru_cache(maxsize=1)
def _default_assistant() -> Assistant:
    """Knowledge and matchers from the index cache (bot/index_cache.py), unless
    ``PROA_INDEX_CACHE=off``."""
    if os.environ.get("PROA_INDEX_CACHE") == "off":
        return Assistant(load_knowledge())
    from bot import index_cache

    kb, matchers, _ = index_cache.load()
    return Assistant(kb, matchers)
