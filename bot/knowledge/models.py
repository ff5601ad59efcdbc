"""Typed, immutable objects built from the files in ``knowledge/``.

Nothing here knows about files or YAML: :mod:`bot.knowledge.loader` builds these
objects, everything else in :mod:`bot` reads them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Optional, Tuple

#: Légifrance page of one article of a collective agreement (KALIARTI id).
LEGIFRANCE_KALI_URL = "https://www.legifrance.gouv.fr/conv_coll/article/{kali_id}"
#: Légifrance page of one article version of a code (LEGIARTI id).
LEGIFRANCE_LEGI_URL = "https://www.legifrance.gouv.fr/codes/article_lc/{legi_id}"
RNCP_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"


@dataclass(frozen=True)
class SourceDocument:
    """A document the knowledge base cites (agreement, avenant, law)."""

    id: str
    kind: str
    idcc: Optional[int]
    title: str
    short_title: str
    signed_on: Optional[date]
    kali_text_id: Optional[str]
    url: Optional[str]
    origin: str
    #: When the knowledge drawn from this document was last checked against it.
    checked_on: Optional[date] = None


@dataclass(frozen=True)
class SourceRef:
    """Where one fact comes from: document, article, KALI or LEGI id and verbatim quote."""

    document: SourceDocument
    article: str
    kali_id: Optional[str]
    quote: str
    #: LEGIARTI id of the Code du travail article version (checked against
    #: knowledge/law/legi_snapshot.json).
    legi_id: Optional[str] = None
    #: Further verbatim quotes of the same article that the rule's summary relies on.
    more_quotes: Tuple[str, ...] = ()

    @property
    def url(self) -> Optional[str]:
        """Légifrance link to the exact article (LEGIARTI for the code, KALIARTI for an
        agreement) when its id is known, else the document's."""
        if self.legi_id:
            return LEGIFRANCE_LEGI_URL.format(legi_id=self.legi_id)
        if self.kali_id:
            return LEGIFRANCE_KALI_URL.format(kali_id=self.kali_id)
        return self.document.url

    @property
    def quotes(self) -> Tuple[str, ...]:
        """Every verbatim quote of the source (the main one first)."""
        return (self.quote,) + tuple(self.more_quotes)

    @property
    def checked_on(self) -> Optional[date]:
        """When the knowledge drawn from the document was last checked."""
        return self.document.checked_on

    @property
    def label(self) -> str:
        """Short French citation, e.g. « Accord Pro-A du 22 janvier 2021 (…), art. 4 »."""
        article = self.article
        if article[:1].isdigit() or article.startswith(("L", "D", "R")):
            return f"{self.document.short_title}, art. {article}"
        return f"{self.document.short_title}, {article}"


@dataclass(frozen=True)
class Rule:
    """One rule of an agreement or of the law, with its figures and validity."""

    id: str
    topic: str
    title: str
    summary_template: str
    values: Mapping[str, Any]
    valid_from: Optional[date]
    valid_until: Optional[date]
    source: SourceRef

    @property
    def summary(self) -> str:
        """The French summary with its figures filled in from :attr:`values`."""
        return self.summary_template.format_map(_FrenchValues(self.values))

    def is_valid_on(self, day: date) -> bool:
        """True when the rule applies on ``day`` (both bounds inclusive)."""
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_until and day > self.valid_until:
            return False
        return True

    def placeholders(self) -> Tuple[str, ...]:
        """Names used as ``{name}`` in the summary template."""
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.summary_template) if name
        )


class _FrenchValues(dict):
    """Formats numbers the French way (``9,15``) when filling summary templates."""

    def __init__(self, values: Mapping[str, Any]):
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
    rncp: Optional[str]
    level: str
    source: SourceRef
    status: str = "listed"
    kind: Optional[str] = None
    #: When the certification entered and left the branch list (None: since the start / still).
    listed_from: Optional[date] = None
    listed_until: Optional[date] = None
    note: Optional[str] = None

    def is_listed_on(self, day: date) -> bool:
        """True when the certification is on the branch list on ``day``."""
        if self.listed_from and day < self.listed_from:
            return False
        if self.listed_until and day > self.listed_until:
            return False
        return True

    @property
    def level_number(self) -> Optional[int]:
        """3…7 for "niveau N", None for "sans niveau" or unknown."""
        parts = self.level.split()
        # "niveau non précisé" (a certification whose level the source does not give).
        if len(parts) > 1 and parts[0] == "niveau" and parts[1].isdigit():
            return int(parts[1])
        return None

    @property
    def url(self) -> Optional[str]:
        """France compétences page of the RNCP record, when the code is known."""
        if not self.rncp:
            return None
        return RNCP_URL.format(number=self.rncp[4:])


@dataclass(frozen=True)
class AnnexRow:
    """One row of a branch annex: a certification listed under a métier."""

    row_id: str
    sector: str
    sub_sector: str
    metier: str
    metier_id: str
    certification: Certification
    seed_line: int
    correction: str


@dataclass(frozen=True)
class Metier:
    """A métier of a branch list, with its certifications and the variants people type."""

    id: str
    label: str
    sector: str
    sub_sector: str
    certifications: Tuple[Certification, ...]
    variants: Tuple[str, ...] = ()
    #: "listed", or e.g. "not_in_kali_extract" when the list itself is not available.
    list_status: str = "listed"
    note: Optional[str] = None
    source: Optional[SourceRef] = None

    def certifications_on(self, day: date) -> Tuple[Certification, ...]:
        """The métier's certifications that are on the list on ``day``."""
        return tuple(c for c in self.certifications if c.is_listed_on(day))

    @property
    def context(self) -> str:
        """"Secteur / sous-filière", to tell apart métiers that share a label."""
        return f"{self.sector} / {self.sub_sector}"


@dataclass(frozen=True)
class MetierAEnjeux:
    """A métier named by the OIR study (art. 3-2), linked to annex métiers if any."""

    id: str
    label: str
    sector: str
    annex_metier_ids: Tuple[str, ...]
    variants: Tuple[str, ...]
    link_note: Optional[str]


@dataclass(frozen=True)
class Amendment:
    """An avenant to an agreement, and whether its content is in the knowledge base."""

    title: str
    signed_on: date
    kali_text_id: Optional[str]
    status: str


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
    kali_container_id: Optional[str]
    kali_text_id: Optional[str]
    amendments: Tuple[Amendment, ...]
    annex_version: Optional[str]
    document: SourceDocument
    #: How people name the branch (« intérim », « SDLM »…), for the parsers.
    aliases: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Branch:
    """Everything known of one branch: agreement, rules, list of certifications, métiers."""

    agreement: Agreement
    rules: Tuple[Rule, ...]
    metiers: Tuple[Metier, ...]
    certifications: Tuple[Certification, ...]
    metiers_a_enjeux: Tuple[MetierAEnjeux, ...] = ()
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    annex: Tuple[AnnexRow, ...] = ()
    enjeux_source: Optional[SourceRef] = None
    list_notes: Tuple[Rule, ...] = ()

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

    def rules_for(self, topic: str, day: date) -> Tuple[Rule, ...]:
        """Rules of one topic that apply on ``day``."""
        return tuple(r for r in self.rules if r.topic == topic and r.is_valid_on(day))


@dataclass(frozen=True)
class Diploma:
    """A kind of diploma people name ("un BTS"), its level and how list titles start."""

    code: str
    label: str
    level: Optional[int]
    title_prefixes: Tuple[str, ...]
    #: True: confers (or is above) the grade de licence, the Pro-A ceiling; False: below
    #: it; None: the sources do not settle it.
    licence_grade: Optional[bool] = None

    def names(self, certification: Certification) -> bool:
        """True when the certification's title is a diploma of this kind."""
        return certification.title.startswith(self.title_prefixes) if self.title_prefixes else False


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole knowledge base: sources, branches by IDCC, and the law."""

    sources: Mapping[str, SourceDocument]
    branches: Mapping[int, Branch]
    law_rules: Tuple[Rule, ...]
    diplomas: Mapping[str, Diploma] = field(default_factory=dict)
    diplomas_source: Optional[SourceRef] = None

    def branch(self, idcc: int) -> Branch:
        """The branch with this IDCC; KeyError with the known IDCCs otherwise."""
        try:
            return self.branches[idcc]
        except KeyError:
            known = ", ".join(str(i) for i in sorted(self.branches))
            raise KeyError(f"IDCC {idcc} inconnu (connus : {known})") from None

    def law_for(self, topic: str, day: date) -> Tuple[Rule, ...]:
        """Law rules of one topic that apply on ``day``."""
        return tuple(r for r in self.law_rules if r.topic == topic and r.is_valid_on(day))

    def rule(self, rule_id: str) -> Rule:
        """Any rule by id (branches and law)."""
        for rule in self.all_rules():
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def all_rules(self) -> Tuple[Rule, ...]:
        rules = list(self.law_rules)
        for branch in self.branches.values():
            rules.extend(branch.rules)
        return tuple(rules)
