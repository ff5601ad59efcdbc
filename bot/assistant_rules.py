"""The rules side of :class:`bot.service.Assistant`: the time and scheme a question is
about, and the rules of the knowledge base that answer it.

It is a mixin, not an object of its own: the assistant stays one object whose methods
the actions, the NLU components and the benchmarks call, with the state
:meth:`bot.service.Assistant.__init__` sets (the knowledge base, the rules engine, the
scope and answers of the rules, the lock that guards building the finder).
"""

from __future__ import annotations

import threading

from bot.compose.rule_answer import RuleAnswers
from bot.knowledge.models import KnowledgeBase
from bot.profile import Profile
from bot.rules import RulesEngine
from bot.understanding.faq_topics import default_faq_topics
from bot.understanding.profile_facts import BRANCH, find_facts
from bot.understanding.question_reading import Reading, read_question
from bot.understanding.rule_finder import RuleFinder
from bot.understanding.rule_search import RuleScope, RuleSearch, search_rules


class RuleLookup:
    """Rules asked about, for :class:`bot.service.Assistant` (the state is the assistant's)."""

    kb: KnowledgeBase
    engine: RulesEngine
    rule_scope: RuleScope
    rule_answers: RuleAnswers
    _lock: threading.Lock
    _rule_finder: RuleFinder | None

    @property
    def rule_finder(self) -> RuleFinder:
        """The rule finder over every rule (built on first use, thread-safe)."""
        with self._lock:
            if self._rule_finder is None:
                self._rule_finder = RuleFinder(self.kb.all_rules())
                self.rule_answers.finder = self._rule_finder
            return self._rule_finder

    def read(self, text: str, profile: Profile) -> Reading:
        """The time and scheme a question is about (avenant and start dates, past…)."""
        return read_question(text, profile.today)

    def with_reading(self, profile: Profile, reading: Reading) -> Profile:
        """The profile as the question sets it: the avenant's date of conclusion, or the
        past day the question is about."""
        if reading.avenant_on is not None and not reading.signing_now:
            return profile.with_(avenant_signed_on=reading.avenant_on)
        last = self.engine.last_start_date
        if reading.past and reading.as_of is not None and last < reading.as_of < profile.today:
            return profile.with_(today=reading.as_of)  # « en janvier 2026 »
        if reading.past and profile.today > last:
            return profile.with_(today=min(reading.as_of or last, last))
        return profile

    def search_rules(
        self, text: str, profile: Profile, faq_topic: str | None = None, reading: Reading | None = None
    ) -> RuleSearch:
        """The rules that answer ``text`` for the profile's branch, in the regime the
        question is about; a FAQ topic recognised elsewhere (NLU, parser) is a hint."""
        hints: tuple[str, ...] = ()
        if faq_topic:
            proa_topics, new_topics = default_faq_topics().rule_topics().get(faq_topic, ((), ()))
            hints = tuple(proa_topics) + tuple(new_topics)
        reading = reading or self.read(text, profile)
        return search_rules(self.rule_finder, self.rule_scope, text, profile.idcc, profile.today, reading, hints)

    def without_branches(self, text: str) -> str:
        """``text`` without the branch names in it (their spans blanked)."""
        chars = list(text)
        for fact in find_facts(text, self.kb):
            if fact.entity == BRANCH:
                chars[fact.start : fact.end] = " " * (fact.end - fact.start)
        return "".join(chars)
