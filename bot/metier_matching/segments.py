"""Which index entries one phrase of a message names, all of their words present.

A query is cut into the phrases that may name a job (:func:`bot.text.job_segments`).
An entry matches a phrase when *all* its words are in it; the phrase may have more words
(qualifiers such as "auto" in "mécanicien auto", context). Among matching entries, those
covering most of the phrase's weight win. A phrase that is only *part* of an entry is not
matched: the words it lacks would narrow the job to something the person did not say
("puéricultrice" is not an "auxiliaire puéricultrice", "pilote de ligne" not a factory
"conducteur ou pilote de lignes"). A word left over that is a real French word the list
knows nothing of makes another job (« chauffeur de taxi », « carrossier peintre »).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.metier_matching.candidates import Outcome, rank_entries
from bot.metier_matching.index import INFORMATIVE_WEIGHT, STOP_WORDS, MetierIndex
from bot.metier_matching.results import STATUS_AMBIGUOUS
from bot.metier_matching.sentence_roles import statement_words
from bot.metier_matching.word_mapping import MappedWord, WordMapper
from bot.text import Segment
from bot.understanding.tasks import TaskScorer


class SegmentMatcher:
    """Finds the best entries fully present in one phrase of a message."""

    def __init__(self, index: MetierIndex, words: WordMapper, tasks: TaskScorer | None) -> None:
        self._index = index
        self._words = words
        self._tasks = tasks

    def match(self, segment: Segment) -> Outcome | None:
        """The best entries fully present in one segment, or None."""
        index = self._index
        words = self._segment_words(segment)
        known: dict[str, MappedWord] = {}
        where: dict[str, tuple[int, ...]] = {}
        unknown: list[MappedWord] = []
        for word, positions in words:
            if word.how == "unknown":
                if len(word.surface) > 2 and word.surface.isalpha():
                    unknown.append(word)
                    where[word.surface] = positions
                continue
            previous = known.get(word.canon)
            if previous is None or word.similarity > previous.similarity:
                known[word.canon] = word
                where[word.canon] = positions
        if not known:
            return self._match_glued(segment, unknown, where)

        covered: dict[int, float] = {}
        counts: dict[int, int] = {}
        informative: set[int] = set()
        for canon, word in known.items():
            weight = index.weight(canon)
            for position in index.inverted.get(canon, ()):
                covered[position] = covered.get(position, 0.0) + weight * word.similarity
                counts[position] = counts.get(position, 0) + 1
                if weight == INFORMATIVE_WEIGHT:
                    informative.add(position)
        query_weight = sum(index.weight(c) for c in known)

        # Only *full* entries count: all their words are in the query (see module doc).
        full = [
            position
            for position, count in counts.items()
            if count == len(index.entries[position].tokens)
            and (position in informative or index.entries[position].whole)
        ]
        if not full:
            return self._match_glued(segment, unknown, where)
        top = max(covered[i] for i in full)
        chosen = [i for i in full if covered[i] >= top - 1e-9]
        used = {t for i in chosen for t in index.entries[i].tokens}
        leftover = [c for c in known if c not in used] + [w.canon for w in unknown]
        positions = tuple(sorted({p for t in used for p in where.get(t, ())}))
        outcome = rank_entries(index, chosen, covered, known, query_weight, leftover, positions=positions)
        if outcome.status == STATUS_AMBIGUOUS and not outcome.preferred and self._names_another_job(unknown):
            # « chauffeur de taxi », « monteur échafaudage »: a shared head word with a
            # qualifier the list knows nothing of is another job, not a choice to offer.
            return None
        if self._another_job_beside(unknown, where, positions):
            # « carrossier peintre »: a trade noun the list does not know, glued to the
            # title, makes another trade (the list's « Peintre » is the building one).
            return None
        return outcome

    def _segment_words(self, segment: Segment) -> list[tuple[MappedWord, tuple[int, ...]]]:
        """The segment's words, abbreviations expanded, mapped to the index, each with the
        positions of the message words it comes from."""
        positions = segment.positions or tuple(range(len(segment.words)))
        pairs: list[tuple[str, tuple[int, ...]]] = []
        for word, position in zip(segment.words, positions, strict=False):
            for expanded in self._index.abbreviations.expand([word]):
                pairs.append((expanded, (position,)))
        pairs = self._glue(pairs)
        return [(self._words.word(w), p) for w, p in pairs if w not in STOP_WORDS]

    def _glue(self, pairs: Sequence[tuple[str, tuple[int, ...]]]) -> list[tuple[str, tuple[int, ...]]]:
        """Join two adjacent words when together they are an index word ("électro mécanicien")."""
        form_map = self._index.form_map
        out: list[tuple[str, tuple[int, ...]]] = []
        index = 0
        while index < len(pairs):
            if index + 1 < len(pairs):
                glued = pairs[index][0] + pairs[index + 1][0]
                if glued in form_map and pairs[index][0] not in form_map:
                    out.append((glued, pairs[index][1] + pairs[index + 1][1]))
                    index += 2
                    continue
            out.append(pairs[index])
            index += 1
        return out

    def _another_job_beside(
        self, unknown: Sequence[MappedWord], where: Mapping[str, tuple[int, ...]], positions: Sequence[int]
    ) -> bool:
        """True when a word right before or after the job words is a French agent noun
        (« carrossier », « ramoneur ») that no métier's title nor tasks know."""
        if not positions:
            return False
        endings = statement_words().trade_noun_endings
        beside = {min(positions) - 1, max(positions) + 1}
        for word in unknown:
            surface = word.surface
            if len(surface) < 5 or surface not in self._index.lexicon or not surface.endswith(endings):
                continue
            if self._tasks is not None and self._tasks.knows(surface):
                continue
            if beside & set(where.get(surface, ())):
                return True
        return False

    def _names_another_job(self, unknown: Sequence[MappedWord]) -> bool:
        """True when a word left over is a real French word that no métier's title nor
        task description has (so it narrows the job to one the list does not have)."""
        for word in unknown:
            if len(word.surface) < 4 or word.surface not in self._index.lexicon:
                continue
            if self._tasks is not None and self._tasks.knows(word.surface):
                continue
            return True
        return False

    def _match_glued(
        self, segment: Segment, unknown: Sequence[MappedWord], where: Mapping[str, tuple[int, ...]]
    ) -> Outcome | None:
        """Last resort for words typed without spaces ("aidesoignante", "chefdequipe").

        A long unknown word, or the whole phrase glued, is compared with the index texts
        glued (:meth:`bot.metier_matching.word_mapping.WordMapper.glued_entry`).
        """
        probes = [w.surface for w in unknown if len(w.surface) >= 9]
        whole = "".join(segment.words)
        if 9 <= len(whole) <= 60 and len(segment.words) > 1 and whole not in probes:
            probes.append(whole)
        for glued in probes:
            position, similarity = self._words.glued_entry(glued)
            if position >= 0:
                entry = self._index.entries[position]
                covered = {position: entry.weight * similarity}
                known = {t: MappedWord(t, t, similarity, "fuzzy") for t in entry.tokens}
                positions = where.get(glued) or segment.positions
                return rank_entries(
                    self._index, [position], covered, known, entry.weight, [], glued=glued, positions=tuple(positions)
                )
        return None
