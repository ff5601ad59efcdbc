"""Typed, immutable objects built from the files in ``knowledge/``.

Nothing here knows about files or YAML: :mod:`bot.knowledge.loader` builds these
objects, everything else in :mod:`bot` reads them.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Protocol

#: Légifrance page of one article of a collective agreement (KALIARTI id).
LEGIFRANCE_KALI_URL = "https://www.legifrance.gouv.fr/conv_coll/article/{kali_id}"
#: Légifrance page of one article version of a code (LEGIARTI id).
LEGIFRANCE_LEGI_URL = "https://www.legifrance.gouv.fr/codes/article_lc/{legi_id}"
RNCP_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"


class Code(str, Enum):
    """A code that is also its string value: it compares, hashes, prints and serialises
    as that string (``Verdict.ELIGIBLE == "eligible"``, also as a dict or set key)."""

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return str(self.value)


class DocumentKind(Code):
    """What a cited document is (``sources.yml``)."""

    BRANCH_AGREEMENT = "branch_agreement"
    LAW = "law"
    #: A commentary, not a text of law: its statements are cautions, never rules.
    SECONDARY = "secondary"


class ListingStatus(Code):
    """Whether a certification named by an agreement is on its list or was taken off."""

    LISTED = "listed"
    REMOVED = "removed"


class AmendmentStatus(Code):
    """What the knowledge base holds of an avenant."""

    INTEGRATED = "integrated"
    CONTENT_NOT_AVAILABLE = "content not available"


@dataclass(frozen=True)
class Contact:
    """Who a person can turn to next (``knowledge/sources.yml``, ``contacts``)."""

    id: str
    #: ``opco`` (the OPCO a branch agreement names) or ``cpf`` (the CPF account service).
    role: str
    name: str
    idcc: int | None
    url: str


@dataclass(frozen=True)
class SourceDocument:
    """A document the knowledge base cites (agreement, avenant, law)."""

    id: str
    kind: DocumentKind
    title: str
    short_title: str
    url: str | None
    #: When the knowledge drawn from this document was last checked against it.
    checked_on: date | None = None


@dataclass(frozen=True)
class SourceRef:
    """Where one fact comes from: document, article, KALI or LEGI id and verbatim quote."""

    document: SourceDocument
    article: str
    kali_id: str | None
    quote: str
    #: LEGIARTI id of the Code du travail article version (checked against
    #: knowledge/law/legi_snapshot.json).
    legi_id: str | None = None
    #: Further verbatim quotes of the same article that the rule's summary relies on.
    more_quotes: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        """Légifrance link to the exact article (LEGIARTI for the code, KALIARTI for an
        agreement) when its id is known, else the document's."""
        if self.legi_id:
            return LEGIFRANCE_LEGI_URL.format(legi_id=self.legi_id)
        if self.kali_id:
            return LEGIFRANCE_KALI_URL.format(kali_id=self.kali_id)
        return self.document.url

    @property
    def quotes(self) -> tuple[str, ...]:
        """Every verbatim quote of the source (the main one first)."""
        return (self.quote, *tuple(self.more_quotes))

    @property
    def checked_on(self) -> date | None:
        """When the knowledge drawn from the document was last checked."""
        return self.document.checked_on

    @property
    def label(self) -> str:
        """Short French citation, e.g. « Accord Pro-A du 22 janvier 2021 (…), art. 4 »."""
        article = self.article
        if article[:1].isdigit() or article.startswith(("L", "D", "R")):
            return f"{self.document.short_title}, art. {article}"
        return f"{self.document.short_title}, {article}"


class Cited(Protocol):
    """Anything that grounds a fact in a quoted source: a rule, a priority public."""

    @property
    def id(self) -> str: ...

    @property
    def source(self) -> SourceRef: ...


def unique_sources(sources: Iterable[SourceRef]) -> tuple[SourceRef, ...]:
    """Sources without repeats, in order of first use.

    Two sources are one citation when a reader sees the same thing: the same label
    (document and article) and the same link. The rules engine and the wording both
    de-duplicate with this function.
    """
    seen: set[tuple[str, str | None]] = set()
    result: list[SourceRef] = []
    for source in sources:
        key = (source.label, source.url)
        if key not in seen:
            seen.add(key)
            result.append(source)
    return tuple(result)


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


@dataclass(frozen=True)
class Certification:
    """A certification of a branch list (title, RNCP code when known, level)."""

    title: str
    rncp: str | None
    level: str
    source: SourceRef
    status: ListingStatus = ListingStatus.LISTED
    #: CQP, TFP, BTS, RNCP: how an agreement names it (``agreement.yml`` certifications).
    kind: str | None = None
    #: When the certification entered and left the branch list (None: since the start / still).
    listed_from: date | None = None
    listed_until: date | None = None
    note: str | None = None

    def is_listed_on(self, day: date) -> bool:
        """True when the certification is on the branch list on ``day``."""
        if self.listed_from and day < self.listed_from:
            return False
        return not (self.listed_until and day > self.listed_until)

    @property
    def level_number(self) -> int | None:
        """3…7 for "niveau N", None for "sans niveau" or unknown."""
        parts = self.level.split()
        # "niveau non précisé" (a certification whose level the source does not give).
        if len(parts) > 1 and parts[0] == "niveau" and parts[1].isdigit():
            return int(parts[1])
        return None

    @property
    def url(self) -> str | None:
        """France compétences page of the RNCP record, when the code is known."""
        if not self.rncp:
            return None
        return RNCP_URL.format(number=self.rncp[4:])


@dataclass(frozen=True)
class AnnexEntry:
    """What every stage of an annex row shares: its id, where it sits (sector,
    sub-sector, métier and the métier's id) and where it comes from (seed line, hand
    correction)."""

    row_id: str
    sector: str
    sub_sector: str
    metier: str
    metier_id: str
    seed_line: int
    correction: str


@dataclass(frozen=True)
class AnnexRow(AnnexEntry):
    """One row of a branch annex as loaded: a certification listed under a métier.

    The second stage of the annex: :mod:`bot.knowledge.annex_parser` writes
    ``annex.csv`` from the seed (:class:`~bot.knowledge.annex_parser.AnnexCsvRow`),
    :func:`bot.knowledge.loader.load_annex` reads it into these rows.
    """

    certification: Certification


@dataclass(frozen=True)
class Metier:
    """A métier of a branch list, with its certifications and the variants people type."""

    id: str
    label: str
    sector: str
    sub_sector: str
    certifications: tuple[Certification, ...]
    variants: tuple[str, ...] = ()
    note: str | None = None
    source: SourceRef | None = None

    def certifications_on(self, day: date) -> tuple[Certification, ...]:
        """The métier's certifications that are on the list on ``day``."""
        return tuple(c for c in self.certifications if c.is_listed_on(day))

    @property
    def context(self) -> str:
        """ "Secteur / sous-filière", to tell apart métiers that share a label."""
        return f"{self.sector} / {self.sub_sector}"


@dataclass(frozen=True)
class MetierAEnjeux:
    """A métier named by the OIR study (art. 3-2), linked to annex métiers if any."""

    id: str
    label: str
    sector: str
    annex_metier_ids: tuple[str, ...]
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Amendment:
    """An avenant to an agreement, and whether its content is in the knowledge base."""

    title: str
    signed_on: date
    kali_text_id: str | None
    status: AmendmentStatus


@dataclass(frozen=True)
class Agreement:
    """A branch agreement's metadata."""

    id: str
    idcc: int
    branch: str
    title: str
    signed_on: date
    in_force_from: date
    opco: str
    amendments: tuple[Amendment, ...]
    annex_version: str | None
    document: SourceDocument
    #: How people name the branch (« intérim », « SDLM »…), for the parsers.
    aliases: tuple[str, ...] = ()
    #: Who employs the branch's workers: ``agency`` (temporary work) or ``company``.
    employer: str = "company"


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
class Diploma:
    """A kind of diploma people name ("un BTS"), its level and how list titles start."""

    code: str
    label: str
    level: int | None
    title_prefixes: tuple[str, ...]
    #: True: confers (or is above) the grade de licence, the Pro-A ceiling; False: below
    #: it; None: the sources do not settle it.
    licence_grade: bool | None = None

    def names(self, certification: Certification) -> bool:
        """True when the certification's title is a diploma of this kind."""
        return certification.title.startswith(self.title_prefixes) if self.title_prefixes else False


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
