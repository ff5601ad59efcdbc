"""How the rules engine reads the knowledge base: which rules apply to a topic on a day.

Every check of the engine (:mod:`~bot.rules_engine.proa_eligibility`,
:mod:`~bot.rules_engine.durations`, :class:`bot.rules.RulesEngine`) builds on
:class:`RuleReader`, so that the law's end of the Pro-A and the choice between a branch
rule and the law are read in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.knowledge.models import Branch, Diploma, KnowledgeBase, Rule
from bot.profile import Profile


class RuleReader:
    """The knowledge base and the 2026 switch (rule ``law.proa.end``), with the readers of rules."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        end = kb.rule("law.proa.end")
        self.last_start_date: date = end.values["last_start_date"]
        self.end_rule = end

    def _branch_or_law(self, branch: Branch, topic: str, day: date) -> tuple[Rule, ...]:
        rules = branch.rules_for(topic, day)
        return rules if rules else self.kb.law_for(topic, day)

    def _proa_law(self, topic: str) -> tuple[Rule, ...]:
        """Pro-A law rules of a topic, read on the last day a Pro-A could start."""
        return tuple(r for r in self.kb.law_for(topic, self.last_start_date) if r.id.startswith("law.proa."))

    def _reconversion_law(self, topic: str, day: date) -> tuple[Rule, ...]:
        """Période de reconversion rules of a topic on ``day``."""
        return tuple(r for r in self.kb.law_for(topic, day) if r.id.startswith("law.reconversion."))

    def diploma(self, code: str | None) -> Diploma | None:
        return self.kb.diplomas.get(code) if code else None

    def held_level(self, profile: Profile) -> int | None:
        if profile.held_level is not None:
            return profile.held_level
        held = self.diploma(profile.held_diploma)
        return held.level if held else None


def listed_values(rules: Iterable[Rule], key: str) -> set[str]:
    """Every code that some of ``rules`` list under ``values[key]``."""
    found: set[str] = set()
    for rule in rules:
        found.update(rule.values.get(key, ()))
    return found
