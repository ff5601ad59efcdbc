"""What we know of the person asking: the input of the rules engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from bot.contracts import default_contracts

#: The branch asked about when nobody names one: the product is first for temporary
#: workers (intérim, IDCC 2378); a channel or the person can choose another.
DEFAULT_IDCC = 2378

#: French names of the contract codes (those of knowledge/ and of the Rasa slot
#: ``contract``), read from knowledge/contracts.yml, their one home.
CONTRACT_LABELS: Mapping[str, str] = MappingProxyType(dict(default_contracts().labels))

#: The contract codes, in the order of knowledge/contracts.yml.
CONTRACTS: tuple[str, ...] = tuple(CONTRACT_LABELS)


@dataclass(frozen=True)
class Profile:
    """A person's situation, as far as it is known. ``None`` means unknown."""

    idcc: int = DEFAULT_IDCC
    contract: str | None = None
    metier_text: str | None = None
    metier_id: str | None = None
    held_diploma: str | None = None
    held_level: int | None = None
    target_diploma: str | None = None
    target_level: int | None = None
    age: int | None = None
    priority_publics: frozenset[str] = field(default_factory=frozenset)
    avenant_signed_on: date | None = None
    #: A planned Pro-A, to check it against the rules (all optional).
    planned_months: int | None = None
    planned_training_hours: int | None = None
    planned_total_hours: int | None = None
    today: date = field(default_factory=date.today)
    #: Who the answer speaks to: ``worker`` (« vous ») or ``adviser`` (who speaks of a
    #: worker: the answer speaks of them in the third person; bot/compose/voice.py).
    audience: str = "worker"

    def with_(self, **changes: Any) -> Profile:
        """A copy with some fields changed (``dataclasses.replace`` checks their names)."""
        return replace(self, **changes)
