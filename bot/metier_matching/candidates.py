"""Turn the index entries a phrase matched into ranked métier candidates and a status.

An entry may designate several métiers (a shared variant such as "électricien") or an
OIR "métier à enjeux", which resolves to its annex métiers (none: the status is
``enjeux_without_certification``). Each métier is scored 0–100 by how much of the entry
and of the phrase the matched words cover; words of the phrase naming a sector or
sub-sector ("chef d'équipe BTP") narrow the choice, and a whole annex label typed is
preferred over the variants of other métiers (applied by
:func:`bot.metier_matching.narrowing.narrow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.models import MetierAEnjeux
from bot.metier_matching.index import KIND_LABEL, KIND_LABEL_PART, TARGET_ENJEUX, TARGET_METIER, Entry, MetierIndex
from bot.metier_matching.results import STATUS_AMBIGUOUS, STATUS_ENJEUX, STATUS_MATCHED, Candidate
from bot.metier_matching.word_mapping import MappedWord


@dataclass
class Outcome:
    """The decision for one segment of the query."""

    coverage: float
    status: str
    candidates: tuple[Candidate, ...]
    enjeux: MetierAEnjeux | None
    positions: tuple[int, ...] = ()
    #: Métiers whose whole annex label was typed, preferred over the others' variants
    #: once the message's own place words have had their say (:func:`narrow`).
    preferred: tuple[str, ...] = ()


def rank_entries(
    index: MetierIndex,
    chosen: Sequence[int],
    covered: Mapping[int, float],
    known: Mapping[str, MappedWord],
    query_weight: float,
    leftover: Sequence[str],
    glued: str | None = None,
    positions: tuple[int, ...] = (),
) -> Outcome:
    """Turn the chosen entries into ranked candidates, a status and the enjeux."""
    per_metier: dict[str, tuple[float, str, str]] = {}
    label_hit: set[str] = set()  # métiers whose whole annex label was typed
    part_hit: set[str] = set()  # métiers one part of whose annex label was typed
    enjeux_hit: list[MetierAEnjeux] = []
    for position in chosen:
        entry = index.entries[position]
        score = 100.0 * 2.0 * covered[position] / (entry.weight + query_weight)
        # métier targets first, so that a variant shared with an enjeux entry is
        # reported as the métier's own.
        for target in sorted(entry.targets, key=lambda t: (t[0] != TARGET_METIER, t[1])):
            text, kind = entry.targets[target]
            if target[0] == TARGET_ENJEUX:
                enjeux = index.enjeux[target[1]]
                if enjeux not in enjeux_hit:
                    enjeux_hit.append(enjeux)
                metier_ids: Iterable[str] = enjeux.annex_metier_ids
            else:
                metier_ids = (target[1],)
            reason = match_reason(entry, text, kind, known, glued)
            if target[0] == TARGET_METIER and kind == KIND_LABEL:
                label_hit.add(target[1])
            elif target[0] == TARGET_METIER and kind == KIND_LABEL_PART:
                part_hit.add(target[1])
            for metier_id in metier_ids:
                previous = per_metier.get(metier_id)
                if previous is None or score > previous[0]:
                    per_metier[metier_id] = (score, text, reason)

    metier_ids = list(per_metier)
    preferred: tuple[str, ...] = ()
    if len(metier_ids) > 1 and len(chosen) == 1 and len(label_hit) == 1 and part_hit <= label_hit:
        # The annex label of one métier beats the variants of others: « automaticien »
        # is the métier Automaticien, not also a « technicien en automatisme » (whose
        # vocabulary has the word). Only for one text typed: two jobs named together
        # ("électricien soudeur") stay two; a label alike another's part ("superviseur")
        # and a bare part ("monteur" of "Ajusteur / Monteur / Régleur") stay ambiguous.
        # Applied by narrow() after the places the labels name (« gouvernante dans une
        # clinique » is the Gouvernant établissement de santé, not the hotel one).
        preferred = tuple(m for m in metier_ids if m in label_hit)
    if len(metier_ids) > 1 and leftover and not preferred:
        narrowed = [m for m in metier_ids if any(c in index.context[m] for c in leftover)]
        if narrowed:
            metier_ids = narrowed
    metier_ids.sort(key=lambda m: (-per_metier[m][0], index.order[m]))
    candidates = tuple(
        Candidate(index.metiers[m], round(per_metier[m][0], 1), per_metier[m][1], per_metier[m][2]) for m in metier_ids
    )
    coverage = max(covered[i] for i in chosen)
    # When the query names several jobs, prefer the enjeux of the métiers returned.
    enjeux_hit.sort(key=lambda e: not set(e.annex_metier_ids) & set(metier_ids))
    chosen_enjeux = enjeux_hit[0] if enjeux_hit else None
    if not candidates:
        return Outcome(coverage, STATUS_ENJEUX, (), chosen_enjeux, positions)
    status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
    return Outcome(coverage, status, candidates, chosen_enjeux, positions, preferred)


def match_reason(
    entry: Entry,
    text: str,
    kind: str,
    known: Mapping[str, MappedWord],
    glued: str | None,
) -> str:
    """Short explanation: how the words were matched and on which text."""
    if glued is not None:
        return f'fuzzy match on {kind} "{text}" (typed without spaces: {glued})'
    notes = []
    for canon in entry.tokens:
        word = known.get(canon)
        if word is not None and word.how == "fuzzy":
            notes.append(f"typo {word.surface}→{canon}")
        elif word is not None and word.how == "lemma":
            notes.append(f"lemma {word.surface}→{canon}")
    how = "fuzzy" if any(n.startswith("typo") for n in notes) else "lemma" if notes else "exact"
    detail = f" ({', '.join(notes)})" if notes else ""
    return f'{how} match on {kind} "{text}"{detail}'
