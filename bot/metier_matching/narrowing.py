"""Narrow a choice of several métiers with the rest of the message.

When the matched title fits several métiers (a shared variant such as "électricien",
"chef de chantier"), or a description of tasks fits several, the other words of the
message may tell them apart: a place it names (« dans le bâtiment », « à l'hôpital »,
from ``knowledge/context_words.yml``: the métier whose label names it first, then its
sub-sector, then its sector), sector words, what the message says of the tasks, and the
diploma or level aimed at (« électricien … passer le BP »). A choice nothing narrows is
left as it is: the person is asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.models import Certification, Diploma
from bot.metier_matching.candidates import Outcome
from bot.metier_matching.index import STOP_WORDS, MetierIndex
from bot.metier_matching.results import STATUS_AMBIGUOUS, STATUS_MATCHED, Candidate
from bot.metier_matching.word_mapping import WordMapper
from bot.text import word_spans
from bot.understanding.tasks import TaskScorer


def fits_target(certification: Certification, target: Diploma | None, level: int | None) -> bool:
    """True when ``certification`` is the diploma aimed at (its title says so) or, for a
    diploma whose titles are not recognisable or a bare level, has the level aimed at."""
    if target is not None and target.title_prefixes:
        return bool(target.names(certification))
    wanted = level if level is not None else (target.level if target is not None else None)
    return wanted is not None and certification.level_number == wanted


def _by_target(
    candidates: tuple[Candidate, ...], target: Diploma | None, target_level: int | None
) -> tuple[Candidate, ...]:
    """The candidates whose list has the diploma or level aimed at, when that narrows
    them; else the candidates unchanged."""
    if target is None and target_level is None:
        return candidates
    by_target = tuple(
        c for c in candidates if any(fits_target(cert, target, target_level) for cert in c.metier.certifications)
    )
    return by_target if by_target and len(by_target) < len(candidates) else candidates


def narrow(
    index: MetierIndex,
    words: WordMapper,
    tasks: TaskScorer | None,
    outcome: Outcome,
    message_words: Sequence[str],
    target: Diploma | None,
    target_level: int | None,
    query: str = "",
    span: tuple[int, int] | None = None,
) -> Outcome:
    """Narrow an ambiguous outcome with the rest of the message: sector words anywhere
    in it, then what the other words say of the tasks or the workplace (« électricien
    à l'hôpital »), then the diploma or level aimed at."""
    if outcome.status != STATUS_AMBIGUOUS:
        return outcome
    candidates = outcome.candidates
    # Words that named the job do not count as context ("électricien de maintenance").
    canon = {
        words.word(w).canon
        for i, w in enumerate(message_words)
        if i not in outcome.positions and w not in STOP_WORDS and len(w) > 2
    }
    # A place named in the message (« dans le bâtiment », « en usine »): the métier
    # whose label names it first, then its sub-sector, then its sector.
    named = index.places_named(message_words, outcome.positions)
    by_label_place = [c for c in candidates if named & index.places[c.metier.id][0]]
    if by_label_place and len(by_label_place) < len(candidates):
        candidates = tuple(by_label_place)
    elif outcome.preferred:
        # The exact label typed wins over the variants of others, unless the label of
        # another names the place of the message (above).
        candidates = tuple(c for c in candidates if c.metier.id in outcome.preferred) or candidates
    elif named:
        for level in (1, 2):
            by_place = [c for c in candidates if named & index.places[c.metier.id][level]]
            if by_place and len(by_place) < len(candidates):
                candidates = tuple(by_place)
                break
    by_context = [c for c in candidates if canon & set(index.context[c.metier.id])]
    if by_context and len(by_context) < len(candidates):
        candidates = tuple(by_context)
    if tasks is not None and len(candidates) > 1 and query:
        preferred = set(tasks.prefer(query, [c.metier.id for c in candidates], [span] if span else ()))
        if preferred and len(preferred) < len(candidates):
            candidates = tuple(c for c in candidates if c.metier.id in preferred)
    candidates = _by_target(candidates, target, target_level)
    if candidates == outcome.candidates:
        return outcome
    status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
    positions = outcome.positions
    if status == STATUS_AMBIGUOUS:
        # Still a choice, but a narrower one: the span takes in the words that narrowed
        # it (« maçon dans les travaux publics »), so that the phrase alone, matched
        # again by whoever reads the span, gives the same choice.
        kept = {c.metier.id for c in candidates}
        place_tokens = {t for place, tokens in index.place_words if place in named for t in tokens}
        context = {t for m in kept for t in index.context[m]}
        extra = {
            i
            for i, w in enumerate(message_words)
            if i not in outcome.positions
            and w not in STOP_WORDS
            and (w in place_tokens or index.lemma(w) in place_tokens or words.word(w).canon in context)
        }
        positions = tuple(sorted(set(positions) | extra))
    return Outcome(outcome.coverage, status, candidates, outcome.enjeux, positions, outcome.preferred)


def narrow_described(
    index: MetierIndex,
    candidates: tuple[Candidate, ...],
    query: str,
    target: Diploma | None,
    target_level: int | None,
) -> tuple[Candidate, ...]:
    """Close task candidates narrowed by the message's places (label, sub-sector,
    then sector) and by the diploma or level aimed at; unchanged when nothing tells
    them apart."""
    named = index.places_named([w for _, _, w in word_spans(query)], ())
    if named:
        for level in range(3):
            by_place = tuple(c for c in candidates if named & index.places[c.metier.id][level])
            if by_place and len(by_place) < len(candidates):
                candidates = by_place
                break
    return _by_target(candidates, target, target_level)
