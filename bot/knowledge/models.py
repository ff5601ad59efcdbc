"""Typed, immutable objects built from the files in ``knowledge/``.

Nothing here knows about files or YAML: :mod:`bot.knowledge.loader` builds these
objects, everything else in :mod:`bot` reads them.

The objects are split by domain: documents, quotes and agreements in
:mod:`bot.knowledge.source_models`, rules in :mod:`bot.knowledge.rule_models`,
certifications, annex rows, métiers and diplomas in :mod:`bot.knowledge.metier_models`.
This module holds what ties them together (a :class:`Branch`, the whole
:class:`KnowledgeBase`) and the facts about a person the rules read (priority publics,
contract readings), and re-exports every name so that ``from bot.knowledge.models
import X`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.knowledge.metier_models import (
    RNCP_URL,
    AnnexEntry,
    AnnexRow,
    Certification,
    Diploma,
    ListingStatus,
    Metier,
    MetierAEnjeux,
)
from bot.knowledge.rule_models import ClosedAsk, Rule
from bot.knowledge.source_models import (
    LEGIFRANCE_KALI_URL,
    LEGIFRANCE_LEGI_URL,
    Agreement,
    Amendment,
    AmendmentStatus,
    Cited,
    Code,
    Contact,
    DocumentKind,
    SourceDocument,
    SourceRef,
    unique_sources,
)

__all__ = [
    "LEGIFRANCE_KALI_URL",
    "LEGIFRANCE_LEGI_URL",
    "RNCP_URL",
    "Agreement",
    "Amendment",
    "AmendmentStatus",
    "AnnexEntry",
    "AnnexRow",
    "Branch",
    "Certification",
    "Cited",
    "ClosedAsk",
    "Code",
    "Contact",
    "ContractReadings",
    "Diploma",
    "DocumentKind",
    "KnowledgeBase",
    "ListingStatus",
    "Metier",
    "MetierAEnjeux",
    "PriorityPublic",
    "Rule",
    "SourceDocument",
    "SourceRef",
    "unique_sources",
]


@dataclass(frozen=True)
class Branch:
    """Everything known of one branch: agreement, rules, list of certifications, métiers."""

    agreement: Agreement
    rules: tuple[Rule, ...]
    metiers: tuple[Metier, ...]
    certifications: tuple[Certification, ...]
    metiers_a_enjeux: tuple[MetierAEnjeux, ...] = ()
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    annex: tuple[AnnexRow, ...] = ()
    enjeux_source: SourceRef | None = None
    list_notes: tuple[Rule, ...] = ()

    @property
    def idcc(self) -> int:
        return self.agreement.idcc

    @property
    def name(self) -> str:
        return self.agreement.branch

    def metier(self, metier_id: str) -> Metier:
        """The métier with this id; KeyError if the branch has none."""
        for metier in self.metiers:
            if metier.id == metier_id:
                return metier
        raise KeyError(metier_id)

    def rules_for(self, topic: str, day: date) -> tuple[Rule, ...]:
        """Rules of one topic that apply on ``day``."""
        return tuple(r for r in self.rules if r.topic == topic and r.is_valid_on(day))


@dataclass(frozen=True)
class PriorityPublic:
    """A priority public that rules name (``values.publics``), with the facts that show
    a person belongs to it (``knowledge/publics.yml``)."""

    code: str
    source: SourceRef
    #: Age range in years, both ends included; None: age says nothing of this public.
    min_age: int | None = None
    max_age: int | None = None
    #: Holding one of these contracts puts the person in the public.
    contracts: frozenset[str] = frozenset()
    #: Aiming at one of these diplomas (codes) puts the person in the public.
    target_diplomas: frozenset[str] = frozenset()
    #: How a person says they are in the public (folded phrases: « au rsa »).
    words: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """An id for citation checks and messages, like a rule's."""
        return f"publics.{self.code}"

    def ruled_out_by_age(self, age: int | None) -> bool:
        """True when a known age is outside the public's range (an age inside it proves
        nothing: the other conditions stay unknown)."""
        if age is None or self.min_age is None or self.max_age is None:
            return False
        return not self.min_age <= age <= self.max_age

    def shown_by(self, contract: str | None, target_diploma: str | None) -> bool:
        """True when the contract held or the diploma aimed at puts the person in it."""
        return (contract is not None and contract in self.contracts) or (
            target_diploma is not None and target_diploma in self.target_diplomas
        )


@dataclass(frozen=True)
class ContractReadings:
    """How the engine reads a contract its rules do not settle as given
    (``knowledge/contract_readings.yml``)."""

    #: A contract the rules do not name → the one the person most likely meant.
    readings: Mapping[str, str] = field(default_factory=dict)
    #: A contract that stands for several the law tells apart → those.
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole knowledge base: sources, branches by IDCC, and the law."""

    sources: Mapping[str, SourceDocument]
    branches: Mapping[int, Branch]
    law_rules: tuple[Rule, ...]
    diplomas: Mapping[str, Diploma] = field(default_factory=dict)
    publics: Mapping[str, PriorityPublic] = field(default_factory=dict)
    contract_readings: ContractReadings = field(default_factory=ContractReadings)
    contacts: tuple[Contact, ...] = ()

    def contact(self, role: str, idcc: int | None = None) -> Contact | None:
        """The contact of ``role`` for the branch ``idcc`` (or for every branch), or None."""
        for contact in self.contacts:
            if contact.role == role and contact.idcc in (idcc, None):
                return contact
        return None

    def branch(self, idcc: int) -> Branch:
        """The branch with this IDCC; KeyError with the known IDCCs otherwise."""
        try:
            return self.branches[idcc]
        except KeyError:
            known = ", ".join(str(i) for i in sorted(self.branches))
            raise KeyError(f"IDCC {idcc} inconnu (connus : {known})") from None

    def law_for(self, topic: str, day: date) -> tuple[Rule, ...]:
        """Law rules of one topic that apply on ``day``."""
        return tuple(r for r in self.law_rules if r.topic == topic and r.is_valid_on(day))

    def rule(self, rule_id: str) -> Rule:
        """Any rule by id (branches and law)."""
        for rule in self.all_rules():
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def cited(self) -> tuple[Cited, ...]:
        """Everything that quotes a source for a fact the engine uses: every rule and
        every priority public (for the citation checks of ``bot knowledge validate``)."""
        return (*self.all_rules(), *self.publics.values())

    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule: the law's, then each branch's."""
        rules = list(self.law_rules)
        for branch in self.branches.values():
            rules.extend(branch.rules)
        return tuple(rules)
