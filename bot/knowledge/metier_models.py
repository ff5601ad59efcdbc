"""The lists of certifications a branch sets: certifications, the rows of an annex, the
métiers they are listed under, the OIR « métiers à enjeux » and the kinds of diploma
people name.

Split from :mod:`bot.knowledge.models` (which re-exports every name): the métier matcher
and the annex parser read these without the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.knowledge.source_models import Code, SourceRef

RNCP_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"


class ListingStatus(Code):
    """Whether a certification named by an agreement is on its list or was taken off."""

    LISTED = "listed"
    REMOVED = "removed"


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
class Diploma:
    """A kind of diploma people name ("un BTS"), its level and how list titles start."""

    code: str
    label: str
    level: int | None
    title_prefixes: tuple[str, ...]
    #: True: confers (or is above) the grade de licence, the Pro-A ceiling; False: below
    #: it; None: the sources do not settle it.
    licence_grade: bool | None = None
    #: The label for more than one (« titres professionnels »); None: it does not change.
    plural: str | None = None

    def label_for(self, count: int) -> str:
        """The label to say ``count`` of them (« 1 titre professionnel », « 2 titres professionnels »)."""
        return self.plural if count > 1 and self.plural else self.label

    def names(self, certification: Certification) -> bool:
        """True when the certification's title is a diploma of this kind."""
        return certification.title.startswith(self.title_prefixes) if self.title_prefixes else False
