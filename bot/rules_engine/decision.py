"""What the rules engine returns: a :class:`Decision`, the reasons it rests on and the
checks of durations and of a planned training.

Plain frozen data, apart from the rules engine's logic, so that the answers
(:mod:`bot.compose`) and the tests read a decision without running the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.knowledge.models import Branch, Certification, Diploma, Rule, SourceRef, unique_sources
from bot.rules_engine.codes import ReasonCode, Regime, Verdict


@dataclass(frozen=True)
class Reason:
    """One step of the reasoning: a code, the rule that grounds it and the facts it
    needs (no wording here: :mod:`bot.compose` words it)."""

    code: ReasonCode
    rule: Rule | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DurationInfo:
    """How long a Pro-A may last; ``extension_applies`` is None when it depends on facts not known."""

    min_months: int | None
    max_months: int | None
    extended_max_months: int | None
    extension_applies: bool | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class PlanCheck:
    """The check of a planned duration and training time against the rules."""

    ok: bool
    problems: tuple[Reason, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Decision:
    """The rules engine's verdict with everything an answer needs."""

    verdict: Verdict
    regime: Regime
    as_of: date
    branch: Branch
    reasons: tuple[Reason, ...]
    #: :class:`Fact` codes (typed as str: the wording adds facts of its own, e.g. the métier).
    missing: tuple[str, ...] = ()
    duration: DurationInfo | None = None
    training_rules: tuple[Rule, ...] = ()
    funding_rules: tuple[Rule, ...] = ()
    procedure_rules: tuple[Rule, ...] = ()
    certifications: tuple[Certification, ...] = ()
    target: Diploma | None = None
    plan: PlanCheck | None = None
    assumed_contract: str | None = None

    def rules_used(self) -> tuple[Rule, ...]:
        """Every rule the decision rests on, in order of use (repeats kept)."""
        rules: list[Rule] = [r.rule for r in self.reasons if r.rule]
        for group in (self.training_rules, self.funding_rules, self.procedure_rules):
            rules.extend(group)
        if self.duration:
            rules.extend(self.duration.rules)
        if self.plan:
            rules.extend(self.plan.rules)
        return tuple(rules)

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        """The sources of every rule used, without repeats (:func:`unique_sources`)."""
        return unique_sources(rule.source for rule in self.rules_used())
