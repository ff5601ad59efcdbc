""":class:`MetierMatcher`: what a person types as their job, found in a branch's list.

It puts together the jobs of this package, built once per branch: the index of titles
(:mod:`~bot.metier_matching.index`), the mapping of typed words to it
(:mod:`~bot.metier_matching.word_mapping`), the entries each phrase names
(:mod:`~bot.metier_matching.segments`), the candidates they give
(:mod:`~bot.metier_matching.candidates`), the narrowing of a choice by the rest of the
message (:mod:`~bot.metier_matching.narrowing`) and the second chances when no title
matched (:mod:`~bot.metier_matching.fallbacks`). Here: the order of the steps, and which
phrase of a message is *the* job when it names several.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.contracts import default_contracts
from bot.knowledge.models import Branch, Diploma
from bot.metier_matching.candidates import Outcome
from bot.metier_matching.fallbacks import described, suggested
from bot.metier_matching.index import MetierIndex
from bot.metier_matching.narrowing import narrow
from bot.metier_matching.results import STATUS_EMPTY, STATUS_NOT_IN_LIST, MatchResult
from bot.metier_matching.segments import SegmentMatcher
from bot.metier_matching.sentence_roles import object_of_a_verb, verb_after_its_subject
from bot.metier_matching.word_mapping import WordMapper
from bot.text import get_nlp, job_segments, word_spans
from bot.understanding.non_job import mask_non_job
from bot.understanding.tasks import TaskScorer, load_task_scorer


class MetierMatcher:
    """Finds the annex métier(s) a free-text job title designates in one branch."""

    def __init__(
        self, branch: Branch, nlp: Any = None, tasks: TaskScorer | None = None, load_tasks: bool = True
    ) -> None:
        """Index the branch's métiers, variants and métiers à enjeux (done once).

        ``nlp`` is a spaCy French pipeline with a ``lemmatizer``; by default the shared
        one of :func:`bot.text.get_nlp`. ``tasks`` scores descriptions of what people do;
        by default the branch's ``knowledge/idcc<N>/tasks.yml`` when it exists (none with
        ``load_tasks=False``).
        """
        self.branch = branch
        self._nlp = nlp if nlp is not None else get_nlp()
        if tasks is None and load_tasks:
            tasks = load_task_scorer(branch.idcc, [m.id for m in branch.metiers], self._nlp)
        self._tasks = tasks
        self._index = MetierIndex(branch, self._nlp)
        self._words = WordMapper(self._index)
        self._segments = SegmentMatcher(self._index, self._words, tasks)

    def match(
        self,
        text: str,
        limit: int = 5,
        target: Diploma | None = None,
        target_level: int | None = None,
    ) -> MatchResult:
        """What ``text`` (a job title or a whole message) designates in the branch's list.

        ``limit`` caps the number of candidates returned (the best first). ``target`` and
        ``target_level``, the diploma or level aimed at, pick among ambiguous métiers the
        ones whose list has it (« électricien … passer le BP »).
        """
        found = self.match_all(text, limit, target, target_level)
        return found[-1] if found else self._empty_or_refused(text)

    def match_all(
        self,
        text: str,
        limit: int = 5,
        target: Diploma | None = None,
        target_level: int | None = None,
    ) -> list[MatchResult]:
        """Every job named in ``text``, one result per phrase, the *chosen* one last.

        The chosen one is what :meth:`match` returns: a correction (« non, plutôt … »)
        over what it corrects, the job a person has over the one they wish for, then the
        phrase that covers most. Results of other phrases come first, in message order.
        Empty when nothing matched.
        """
        query = text if isinstance(text, str) else ""
        # Contract and status phrases (« en CUI en CDI », « chargé de recrutement chez
        # Adecco ») name no job, nor do numbers, phone numbers, e-mails and web
        # addresses: blanked out, offsets kept.
        masked = mask_non_job(default_contracts().mask(query))
        segments = job_segments(masked)
        if not segments:
            return []
        spans = word_spans(masked)
        every_word = [w for _, _, w in spans]
        ranked: list[tuple[tuple[Any, ...], int, Outcome]] = []
        for position, segment in enumerate(segments):
            outcome = self._segments.match(segment)
            if outcome is None or object_of_a_verb(every_word, outcome.positions):
                continue
            if verb_after_its_subject(every_word, outcome.positions):
                continue
            rank = (segment.correction, not segment.wish, outcome.coverage, -position)
            ranked.append((rank, position, outcome))
        if not ranked:
            by_tasks = described(self._index, self._tasks, masked, target, target_level)
            if by_tasks is not None:
                return [dataclasses.replace(by_tasks, query=query)]
            near_miss = suggested(self._index, query, segments, spans)
            return [near_miss] if near_miss is not None else []
        best_position = max(ranked)[1]
        results: list[MatchResult] = []
        for _, _position, outcome in sorted(ranked, key=lambda r: (r[1] == best_position, r[1])):
            span = None
            if outcome.positions:
                span = (spans[min(outcome.positions)][0], spans[max(outcome.positions)][1])
            outcome = narrow(
                self._index, self._words, self._tasks, outcome, every_word, target, target_level, query, span
            )
            if outcome.positions:
                span = (spans[min(outcome.positions)][0], spans[max(outcome.positions)][1])
            results.append(
                MatchResult(query, outcome.status, outcome.candidates[: max(limit, 1)], outcome.enjeux, span)
            )
        return results

    def _empty_or_refused(self, text: str) -> MatchResult:
        """The result when no phrase matched: ``empty`` or ``not_in_list``."""
        query = text if isinstance(text, str) else ""
        status = STATUS_EMPTY if not job_segments(mask_non_job(default_contracts().mask(query))) else STATUS_NOT_IN_LIST
        return MatchResult(query, status, (), None)
