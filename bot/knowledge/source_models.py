"""Where the knowledge comes from: the documents cited, a quote's place in them, the
branch agreements and their avenants, and whom a person can turn to next.

Split from :mod:`bot.knowledge.models` (which re-exports every name) so that each kind of
object sits with its own kind; :class:`Code`, the base of every code enum, is here because
the documents' kinds are the first codes the other models build on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Protocol

#: Légifrance page of one article of a collective agreement (KALIARTI id).
LEGIFRANCE_KALI_URL = "https://www.legifrance.gouv.fr/conv_coll/article/{kali_id}"
#: Légifrance page of one article version of a code (LEGIARTI id).
LEGIFRANCE_LEGI_URL = "https://www.legifrance.gouv.fr/codes/article_lc/{legi_id}"


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
