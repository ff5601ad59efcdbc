"""What the métier matcher answers: the statuses, :class:`Candidate` and :class:`MatchResult`.

These are the matcher's public types, read by the composers and the service (through
:mod:`bot.matching`): kept apart from the algorithm so that a reader of a result needs
none of the index machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.models import Metier, MetierAEnjeux

STATUS_MATCHED = "matched"
STATUS_AMBIGUOUS = "ambiguous"
STATUS_ENJEUX = "enjeux_without_certification"
STATUS_NOT_IN_LIST = "not_in_list"
STATUS_EMPTY = "empty"
#: Nothing matched, but the query is close to one or a few métiers (a typo too far to be
#: taken for granted): the candidates are offered as « Vouliez-vous dire … ? ».
STATUS_SUGGESTION = "suggestion"

#: Where a result comes from: the titles and variants, or the description of tasks.
SOURCE_TITLE = "title"
SOURCE_TASKS = "tasks"


@dataclass(frozen=True)
class Candidate:
    """One métier a query may designate, with a 0–100 score and why."""

    metier: Metier
    score: float
    matched_variant: str
    reason: str


@dataclass(frozen=True)
class MatchResult:
    """What a query designates in a branch's list.

    ``status`` is one of ``matched`` (one métier), ``ambiguous`` (several: ask which),
    ``enjeux_without_certification`` (an OIR "métier à enjeux" for which the annex lists
    no certification), ``not_in_list`` or ``empty`` (nothing that could be a job).
    """

    query: str
    status: str
    candidates: tuple[Candidate, ...]
    enjeux: MetierAEnjeux | None
    #: Character span ``(start, end)`` in ``query`` of the words that named the job.
    span: tuple[int, int] | None = None
    #: ``title`` (labels, variants) or ``tasks`` (what the person does).
    source: str = SOURCE_TITLE
    #: The query words that explain the result (for a task description: the task words).
    evidence: tuple[str, ...] = ()

    @property
    def span_text(self) -> str | None:
        """The words of ``query`` that named the job, as typed."""
        return self.query[self.span[0] : self.span[1]] if self.span else None

    @property
    def best(self) -> Candidate | None:
        """The first candidate, or None."""
        return self.candidates[0] if self.candidates else None
