"""Pure helpers of the answers built by :mod:`bot.compose.builder` and its job modules
(:mod:`~bot.compose.eligibility`, :mod:`~bot.compose.certifications`,
:mod:`~bot.compose.faq`): the topics they share, list pages, parts cut to the first
screen, sources cited once each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.compose import french
from bot.compose.parts import Part, SourceItem
from bot.knowledge.models import Branch, Certification, Rule, SourceRef, unique_sources
from bot.rules import Regime

#: How many certifications fit in one chat bubble before « voir plus ».
PAGE_SIZE = 5

#: The rule topic (and FAQ topic) of the CléA: only a branch with such a rule suggests it.
CLEA_TOPIC = "clea"
#: The FAQ topic (and law rule topic) of the période de reconversion.
RECONVERSION_TOPIC = "periode_reconversion"
#: The rule topic of the lists of certifications.
CERTIFICATIONS_TOPIC = "certifications"


@dataclass(frozen=True)
class Page:
    items: tuple[Certification, ...]
    offset: int
    remaining: int
    next_offset: int


def paginate(certifications: Sequence[Certification], offset: int = 0, size: int = PAGE_SIZE) -> Page:
    """One page of a certification list, with how many remain after it."""
    offset = max(0, offset)
    items = tuple(certifications[offset : offset + size])
    next_offset = offset + len(items)
    return Page(items, offset, max(0, len(certifications) - next_offset), next_offset)


def _source_items(sources: Iterable[SourceRef | None]) -> tuple[SourceItem, ...]:
    """Sources cited once each (:func:`~bot.knowledge.models.unique_sources`, the
    engine's rule too), each linked to its article when the knowledge has it."""
    cited = unique_sources(s for s in sources if s is not None)
    return tuple(SourceItem(s.label, s.url, s.checked_on.isoformat() if s.checked_on else None) for s in cited)


#: A part's first paragraph stays this short, so that the verdict line and the details of
#: the regime that applies fit the first screen of a phone; further rules follow it.
PART_BUDGET = 240


def split_part(heading: str | None, figure: str | None, sentences: Sequence[str], regime: Regime | None) -> list[Part]:
    """The part under its heading with the first sentences (at least one) up to
    :data:`PART_BUDGET` characters, then a detail paragraph with the others (same
    regime), folded under « Détails et sources »."""
    first: list[str] = []
    size = 0
    for index, sentence in enumerate(sentences):
        if first and size + len(sentence) > PART_BUDGET:
            return [
                Part(heading, figure, tuple(first), regime),
                Part(None, None, tuple(sentences[index:]), regime, detail=True),
            ]
        first.append(sentence)
        size += len(sentence) + 1
    return [Part(heading, figure, tuple(first), regime)]


def _as_detail(part: Part) -> Part:
    return Part(part.heading, part.figure, part.sentences, part.regime, detail=True)


def _drop_sentence(summaries: Sequence[str], sentence: str) -> tuple[str, ...]:
    """``summaries`` without ``sentence`` where one of them starts with it (the verdict
    line already says it); a summary left empty is dropped. A sentence cut short for the
    verdict line is not dropped: the part keeps the whole of it."""
    out: list[str] = []
    dropped = False
    for summary in summaries:
        text = " ".join(summary.split())
        if not dropped and text.startswith(sentence) and sentence.endswith((".", "?", "!")):
            text = text[len(sentence) :].strip()
            dropped = True
        if text:
            out.append(text)
    return tuple(out)


def _level_number(level: str | None) -> int | None:
    """3 for « niveau 3 »; None for « sans niveau » or nothing."""
    digits = "".join(ch for ch in level or "" if ch.isdigit())
    return int(digits) if digits else None


def _first_figure(rules: Sequence[Rule]) -> str | None:
    for rule in rules:
        figure = french.figure_of(rule.values)
        if figure:
            return figure
    return None


def listing_source(branch: Branch, certifications: Sequence[Certification]) -> SourceRef:
    """Where a branch list comes from: the certifications' own source, or the annex."""
    if certifications:
        return certifications[0].source
    return SourceRef(branch.agreement.document, french.ANNEX, None, french.ANNEX)
