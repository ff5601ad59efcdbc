"""What the matcher answers when no phrase of a message matched a title.

Two second chances, tried in this order by :meth:`bot.metier_matching.matcher.MetierMatcher.match_all`:

- a description of tasks (« je conduis un chariot élévateur »): the branch's task
  scorer (``knowledge/idcc<N>/tasks.yml``) ranks the métiers it fits;
- a near miss (« Vouliez-vous dire … ? »): a short phrase with a misspelt word, close to
  a label or variant but too far to be taken as that job without asking.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.knowledge.models import Diploma
from bot.metier_matching.index import TARGET_METIER, MetierIndex
from bot.metier_matching.narrowing import narrow_described
from bot.metier_matching.results import (
    SOURCE_TASKS,
    STATUS_AMBIGUOUS,
    STATUS_MATCHED,
    STATUS_SUGGESTION,
    Candidate,
    MatchResult,
)
from bot.text import Segment
from bot.understanding.tasks import TaskScorer

#: Least rapidfuzz ratio of a phrase to a label or variant for « Vouliez-vous dire … ? ».
SUGGESTION_CUTOFF = 75.0
#: Most métiers offered as suggestions.
MAX_SUGGESTIONS = 3


def described(
    index: MetierIndex,
    tasks: TaskScorer | None,
    query: str,
    target: Diploma | None = None,
    target_level: int | None = None,
) -> MatchResult | None:
    """The métier(s) a description of tasks fits (no title named), or None. Several
    close ones are narrowed, as titles are, by the places the message names (« dans
    un EHPAD ») and by the diploma or level aimed at."""
    if tasks is None:
        return None
    ranked = tasks.rank(query)
    if ranked.status == "refused":
        return None
    candidates = []
    for hit in ranked.hits:
        words = ", ".join(hit.words)
        score = round(min(99.0, 100.0 * hit.score / (hit.score + 4.0)), 1)
        candidates.append(Candidate(index.metiers[hit.metier_id], score, words, f"task description ({words})"))
    if len(candidates) > 1:
        candidates = list(narrow_described(index, tuple(candidates), query, target, target_level))
    span = (min(s for s, _ in ranked.spans), max(e for _, e in ranked.spans)) if ranked.spans else None
    status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
    return MatchResult(query, status, tuple(candidates), None, span, SOURCE_TASKS, ranked.hits[0].words)


def suggested(
    index: MetierIndex, query: str, segments: Sequence[Segment], spans: Sequence[tuple[int, int, str]]
) -> MatchResult | None:
    """« Vouliez-vous dire … ? »: a phrase with a word that is no French word and no
    index word, close to a label or variant (rapidfuzz ratio ≥ :data:`SUGGESTION_CUTOFF`
    on the whole phrase) but too far to be taken as that job without asking."""
    for segment in segments:
        if len(segment.words) > 4:
            continue
        # A misspelt word: no French word (nor its lemma), no index word, but close to one.
        strange = [
            w
            for w in segment.words
            if len(w) >= 5
            and w.isalpha()
            and w not in index.form_map
            and w not in index.lexicon
            and index.lemma(w) not in index.form_map
            and index.lemma(w) not in index.lexicon
            and process.extractOne(w, index.choices_by_initial.get(w[0], ()), scorer=fuzz.ratio, score_cutoff=80.0)
        ]
        if not strange:
            continue
        typed = " ".join(segment.words)
        found = process.extract(typed, index.surface_texts, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF, limit=8)
        metier_ids: list[str] = []
        for _, _score, position in found:
            for target in index.entries[index.surface_entry[position]].targets:
                if target[0] == TARGET_METIER and target[1] not in metier_ids:
                    metier_ids.append(target[1])
        if not metier_ids:
            continue
        metier_ids = metier_ids[:MAX_SUGGESTIONS]
        best = found[0][1]
        candidates = tuple(
            Candidate(
                index.metiers[m],
                round(best, 1),
                typed,
                f"near miss of « {index.metiers[m].label} » (typed: {typed})",
            )
            for m in metier_ids
        )
        positions = segment.positions
        span = (spans[min(positions)][0], spans[max(positions)][1]) if positions else None
        return MatchResult(query, STATUS_SUGGESTION, candidates, None, span)
    return None
