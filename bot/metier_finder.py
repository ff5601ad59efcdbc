"""Find every métier a whole message names, in every branch, as character spans.

This is the one place where the NLU layer (the Rasa component ``nlu.metier_entities``)
and anything else that reads a raw message ask the core which jobs were named. It runs
each branch's :class:`bot.matching.MetierMatcher` over the message (titles, variants,
typos, task descriptions), with the diploma or level aimed at in the same message to
pick among similar métiers, and groups the results of the branches by span.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.knowledge.models import KnowledgeBase
from bot.lexicon import read_word_file
from bot.matching import STATUS_AMBIGUOUS, STATUS_ENJEUX, STATUS_MATCHED, STATUS_SUGGESTION, MatchResult, MetierMatcher
from bot.understanding.parse import parse_targets

#: The messages :meth:`MetierFinder.warm_up` reads (``knowledge/lexicon/<name>.yml``).
WARM_UP_FILE = "warm_up"

#: Statuses that name a job (an entity is emitted for them).
FOUND_STATUSES = (STATUS_MATCHED, STATUS_AMBIGUOUS, STATUS_SUGGESTION, STATUS_ENJEUX)


@dataclass(frozen=True)
class FoundMetier:
    """One job named in a message: its span and what each branch makes of it.

    ``results`` maps an IDCC to that branch's match of the phrase (branches that found
    nothing there are absent). ``primary`` is True for the job the message is about (a
    correction, the job held rather than wished for): the one a slot should keep.
    """

    start: int
    end: int
    text: str
    results: Mapping[int, MatchResult]
    primary: bool

    def candidate_ids(self, idcc: int) -> tuple[str, ...]:
        """Annex ids of the candidates of one branch, best first."""
        result = self.results.get(idcc)
        return tuple(c.metier.id for c in result.candidates) if result else ()

    def confidence(self, idcc: int | None = None) -> float:
        """0–1: the best candidate's score in ``idcc`` (default: the best branch)."""
        results = [self.results[idcc]] if idcc is not None and idcc in self.results else list(self.results.values())
        scores = [r.best.score for r in results if r.best is not None]
        return round(max(scores) / 100.0, 3) if scores else 0.0


class MetierFinder:
    """Runs the métier matchers of several branches over whole messages."""

    def __init__(self, kb: KnowledgeBase, matcher_of: Callable[[int], MetierMatcher], default_idcc: int) -> None:
        """``matcher_of(idcc)`` gives a branch's matcher (built once by the caller)."""
        self.kb = kb
        self._matcher_of = matcher_of
        self.default_idcc = default_idcc
        self.idccs = tuple(sorted(kb.branches, key=lambda i: (i != default_idcc, i)))

    def warm_up(self) -> None:
        """Build every branch's matcher and load spaCy now, not on the first message."""
        # a title, a task description (word vectors) and a near miss: every path once
        messages = read_word_file(WARM_UP_FILE)
        for idcc in self.idccs:
            for text in messages["job_messages"]:
                self._matcher_of(idcc).match(text)
        for text in messages["target_messages"]:
            parse_targets(text)

    def verdicts(self, text: str) -> dict[int, str]:
        """Each branch's status for ``text`` taken as a job title (``not_in_list``…)."""
        return {idcc: self._matcher_of(idcc).match(text).status for idcc in self.idccs}

    def find(self, text: str) -> list[FoundMetier]:
        """Every job named in ``text``, in message order except the primary one, last."""
        if not isinstance(text, str) or not text.strip():
            return []
        diploma_code, level = parse_targets(text)
        target = self.kb.diplomas.get(diploma_code) if diploma_code else None
        groups: list[_Group] = []
        primary_span: tuple[int, int] | None = None
        for idcc in self.idccs:
            found = [r for r in self._matcher_of(idcc).match_all(text, target=target, target_level=level) if r.span]
            for index, result in enumerate(found):
                span = result.span
                if span is None or result.status not in FOUND_STATUSES:
                    continue
                group = _group_for(groups, span)
                group.results[idcc] = result
                group.start = min(group.start, span[0])
                group.end = max(group.end, span[1])
                if index == len(found) - 1 and primary_span is None:
                    primary_span = span
        out: list[FoundMetier] = []
        for group in sorted(groups, key=lambda g: g.start):
            primary = primary_span is not None and group.start <= primary_span[0] < group.end
            out.append(FoundMetier(group.start, group.end, text[group.start : group.end], dict(group.results), primary))
        out.sort(key=lambda f: f.primary)  # stable: message order, the primary one last
        return out


@dataclass
class _Group:
    """Overlapping spans of the branches' matches: one job named in the message."""

    start: int
    end: int
    results: dict[int, MatchResult] = field(default_factory=dict)


def _group_for(groups: list[_Group], span: tuple[int, int]) -> _Group:
    """The group whose span overlaps ``span``, or a new one."""
    for group in groups:
        if span[0] < group.end and group.start < span[1]:
            return group
    group = _Group(span[0], span[1])
    groups.append(group)
    return group
