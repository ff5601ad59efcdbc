"""What we know of the person asking: the input of the rules engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import FrozenSet, Optional

#: The branch asked about when nobody names one: the product is first for temporary
#: workers (intérim, IDCC 2378); a channel or the person can choose another.
DEFAULT_IDCC = 2378

#: Contract codes used in knowledge/ and in the Rasa slot ``contract``; the same codes as
#: knowledge/contracts.yml (what people type for each), checked by tests/bot/test_contracts.py.
CONTRACTS = (
    "cdi_interimaire", "cdi", "contrat_de_mission", "cdd", "cui", "cui_cdi", "cui_cdd",
    "cdd_sportif", "apprentissage", "apprentissage_cdi", "professionnalisation",
    "professionnalisation_cdi", "permanent_agence",
)

#: French names of the contract codes, for answers.
CONTRACT_LABELS = {
    "cdi_interimaire": "CDI intérimaire",
    "cdi": "CDI",
    "contrat_de_mission": "contrat de mission (intérim)",
    "cdd": "CDD",
    "cui": "contrat unique d'insertion",
    "cui_cdi": "contrat unique d'insertion en CDI",
    "cui_cdd": "contrat unique d'insertion en CDD",
    "cdd_sportif": "CDD de sportif professionnel",
    "apprentissage": "contrat d'apprentissage à durée déterminée",
    "apprentissage_cdi": "contrat d'apprentissage en CDI",
    "professionnalisation": "contrat de professionnalisation à durée déterminée",
    "professionnalisation_cdi": "contrat de professionnalisation en CDI",
    "permanent_agence": "salarié permanent d'une agence d'intérim",
}


@dataclass(frozen=True)
class Profile:
    """A person's situation, as far as it is known. ``None`` means unknown."""

    idcc: int = DEFAULT_IDCC
    contract: Optional[str] = None
    metier_text: Optional[str] = None
    metier_id: Optional[str] = None
    held_diploma: Optional[str] = None
    held_level: Optional[int] = None
    target_diploma: Optional[str] = None
    target_level: Optional[int] = None
    age: Optional[int] = None
    priority_publics: FrozenSet[str] = field(default_factory=frozenset)
    avenant_signed_on: Optional[date] = None
    #: A planned Pro-A, to check it against the rules (all optional).
    planned_months: Optional[int] = None
    planned_training_hours: Optional[int] = None
    planned_total_hours: Optional[int] = None
    today: date = field(default_factory=date.today)

    def with_(self, **changes: object) -> "Profile":
        """A copy with some fields changed."""
        return replace(self, **changes)
