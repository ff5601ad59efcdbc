"""Map the words a person typed to the words of a :class:`~bot.metier_matching.index.MetierIndex`.

A query word maps exactly, through its lemma (spaCy, cached) or, for typos, by edit
distance (rapidfuzz OSA: one edit up to eight letters, two from nine, same first letter;
a four-letter word may only lack its last letter; a real French word, per spaCy's lemma
index, may only differ by its last letter: "caviste" is not a typo of "cariste"). Words
typed without spaces ("aidesoignante") are compared with the index texts glued.

Nothing here is a hand-written edit distance or a partial-ratio match: a short query never
matches a long label by containing a fragment of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from bot.metier_matching.index import MetierIndex

#: Most words (and glued words) remembered per index.
_WORD_CACHE_SIZE = 200_000
_GLUED_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class MappedWord:
    """A query word mapped to the index: canonical form, similarity (0–1) and how."""

    surface: str
    canon: str
    similarity: float
    how: str  # "exact" | "lemma" | "fuzzy" | "unknown"


def plausible_typo(typed: str, known: str, distance: float) -> bool:
    """False for two edits that only replace letters: that makes another word
    ("électrotechnicien" / "électromécanicien"); a real typo of two edits includes a
    missing, extra or swapped letter ("carelleur" / "carreleur")."""
    return distance < 2 or Indel.distance(typed, known) <= 3


def suffix_variant(probe: str, choice: str, distance: float) -> bool:
    """True when two real words differ by one edit at their very end ("industriel"/"industrie")."""
    if distance > 1:
        return False
    shorter = min(len(probe), len(choice))
    if shorter < 6:
        return False  # "parc" / "parm", "paris" / "parm": short real words are not typos
    prefix = 0
    for a, b in zip(probe, choice, strict=False):
        if a != b:
            break
        prefix += 1
    return prefix >= shorter - 1


class WordMapper:
    """Maps query words to index words, remembering each answer (per index)."""

    def __init__(self, index: MetierIndex) -> None:
        self._index = index
        self._word_cache: dict[str, MappedWord] = {}
        self._glued_cache: dict[str, tuple[int, float]] = {}

    def word(self, surface: str) -> MappedWord:
        """Map one normalised query word to a canonical index word (cached)."""
        cached = self._word_cache.get(surface)
        if cached is not None:
            return cached
        word = self._map_word(surface)
        if len(self._word_cache) < _WORD_CACHE_SIZE:
            self._word_cache[surface] = word
        return word

    def glued_entry(self, glued: str) -> tuple[int, float]:
        """(entry index, similarity) of the entry a word typed without spaces stands for,
        or (-1, 0) (cached)."""
        found = self._glued_cache.get(glued)
        if found is None:
            found = self._find_glued(glued)
            if len(self._glued_cache) < _GLUED_CACHE_SIZE:
                self._glued_cache[glued] = found
        return found

    def _map_word(self, surface: str) -> MappedWord:
        """Exact form, then lemma (spaCy, only for words not in the index), then typo."""
        form_map = self._index.form_map
        canon = form_map.get(surface)
        if canon is not None:
            return MappedWord(surface, canon, 1.0, "exact")
        if not surface.isalpha() or len(surface) > 30:
            return MappedWord(surface, surface, 0.0, "unknown")
        lemma_form = self._index.lemma(surface)
        canon = form_map.get(lemma_form)
        if canon is not None:
            return MappedWord(surface, canon, 1.0, "lemma")
        fuzzy = self._fuzzy_word(surface, lemma_form)
        if fuzzy is not None:
            return fuzzy
        return MappedWord(surface, lemma_form, 0.0, "unknown")

    def _fuzzy_word(self, surface: str, lemma_form: str) -> MappedWord | None:
        """Typo correction by OSA edit distance against the index words (see module doc)."""
        index = self._index
        if len(surface) < 4:
            return None
        if len(surface) == 4:
            # Four letters: only a missing final letter ("poid" → "poids").
            completed = [
                c for c in index.choices_by_initial.get(surface[0], ()) if len(c) == 5 and c.startswith(surface)
            ]
            if len(completed) == 1 and surface not in index.lexicon:
                return MappedWord(surface, index.form_map[completed[0]], 0.8, "fuzzy")
            return None
        max_edits = 1 if len(surface) < 9 else 2
        if surface in index.verbs:
            return None  # an infinitive (« livrer », « former ») says what is done, no typo
        real_word = surface in index.lexicon or lemma_form in index.lexicon
        # The word as typed, then its lemma with one edit at most: a fold and two edits
        # together would go too far ("puéricultrice" → "puericulteur" is not "puericulture").
        probes = [(surface, max_edits)]
        if lemma_form != surface:
            probes.append((lemma_form, 1))
        found: list[tuple[int, float, str, float]] = []
        for probe, limit in probes:
            choices = index.choices_by_initial.get(probe[0], ())
            for choice, distance, _ in process.extract(
                probe, choices, scorer=OSA.distance, score_cutoff=limit, limit=5
            ):
                if len(choice) < 4:
                    continue
                if real_word and not suffix_variant(probe, choice, distance):
                    continue
                if not plausible_typo(probe, choice, distance):
                    continue
                similarity = 1.0 - distance / max(len(probe), len(choice))
                found.append((int(distance), -fuzz.ratio(probe, choice), choice, similarity))
        if not found:
            return None
        best = min(found)
        return MappedWord(surface, index.form_map[best[2]], best[3], "fuzzy")

    def _find_glued(self, glued: str) -> tuple[int, float]:
        """(entry index, similarity) of the entry a glued word stands for, or (-1, 0): OSA
        distance to the index texts glued, one edit below twelve letters, two from twelve
        (glueing must not let "operateur" match "opérateur CN")."""
        index = self._index
        max_edits = 1 if len(glued) < 12 else 2
        found: list[tuple[float, int]] = []
        for length in range(len(glued) - max_edits, len(glued) + max_edits + 1):
            texts, indexes = index.joined_by_length.get(length, ([], []))
            for text, distance, position in process.extract(
                glued, texts, scorer=OSA.distance, score_cutoff=max_edits, limit=3
            ):
                if not plausible_typo(glued, text, distance):
                    continue
                entry = index.entries[indexes[position]]
                if entry.whole or any(not index.is_weak(t) for t in entry.tokens):
                    found.append((distance, indexes[position]))
        if found:
            best_distance, position = min(found)
            # a missing space is a typo too: never a perfect score
            return position, 0.95 * (1.0 - best_distance / len(glued))
        return -1, 0.0
