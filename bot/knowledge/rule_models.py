"""A rule of an agreement or of the law: its figures, its validity, the questions it
answers, and its summary filled in the French way (``9,15``, ``1 000``).

Split from :mod:`bot.knowledge.models` (which re-exports every name): the rule finder,
the engine and the wording read rules without the rest of the knowledge base.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.knowledge.source_models import SourceRef


@dataclass(frozen=True)
class ClosedAsk:
    """A yes/no question a rule answers, as people ask it, and its answer (« oui »,
    « non », « cela dépend »): one rule says « oui » to « mon salaire est-il maintenu ? »
    and « non » to « l'employeur peut-il baisser mon salaire ? »."""

    ask: str
    answer: str


@dataclass(frozen=True)
class Rule:
    """One rule of an agreement or of the law, with its figures and validity."""

    id: str
    topic: str
    title: str
    summary_template: str
    values: Mapping[str, Any]
    valid_from: date | None
    valid_until: date | None
    source: SourceRef
    #: The question the rule answers as people ask it, and its other phrasings and words
    #: (read by the rule finder); rules answering the same question share ``question``.
    question: str | None = None
    asks: tuple[str, ...] = ()
    #: The answer to ``question`` when it is a yes/no question (« oui », « non », « cela dépend »).
    answer: str | None = None
    #: Yes/no questions the rule answers, each with its own answer.
    closed_asks: tuple[ClosedAsk, ...] = ()
    #: The case the rule is about, when another rule answers the same question for another
    #: (``{"form": "internal"}``; conditions of ``knowledge/lexicon/rule_conditions.yml``).
    when: Mapping[str, str] = field(default_factory=dict)
    #: The summary in the third person, for an adviser who speaks of a worker (a summary
    #: that addresses the person as « vous » has one).
    adviser_template: str | None = None

    @property
    def summary(self) -> str:
        """The French summary with its figures filled in from :attr:`values`."""
        return self.summary_template.format_map(_FrenchValues(self.values))

    def summary_for(self, adviser: bool) -> str:
        """The summary as said to the worker, or to an adviser speaking of them."""
        if adviser and self.adviser_template:
            return self.adviser_template.format_map(_FrenchValues(self.values))
        return self.summary

    def is_valid_on(self, day: date) -> bool:
        """True when the rule applies on ``day`` (both bounds inclusive)."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

    def placeholders(self) -> tuple[str, ...]:
        """Names used as ``{name}`` in the summary templates."""
        templates = (self.summary_template, self.adviser_template or "")
        return tuple(name for t in templates for _, name, _, _ in string.Formatter().parse(t) if name)


class _FrenchValues(dict[str, Any]):
    """Formats numbers the French way (``9,15``) when filling summary templates."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, float):
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return text.replace(".", ",")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1000:
            return f"{value:,}".replace(",", "\u202f")
        return value
