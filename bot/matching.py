"""Match what a person types as their job against a branch's list of métiers.

:class:`MetierMatcher` is built once per branch. It indexes, as bags of canonical words
(normalised, abbreviations expanded, lemmatised, stop words removed):

- every annex métier label, its parts when it joins jobs with "/" and the label without
  its parenthesis;
- every variant of ``vocabulary.yml`` (feminine forms, plurals, synonyms, slang);
- every OIR "métier à enjeux" label (and parts) and variant, pointing to the enjeux
  entry, which links to annex métiers or to none.

A query is cut into the phrases that may name a job (:func:`bot.text.job_segments`);
each word is mapped to a word of the index exactly, through its lemma (spaCy, cached) or,
for typos, by edit distance (rapidfuzz OSA: one edit up to eight letters, two from nine,
same first letter; a four-letter word may only lack its last letter; a real French word,
per spaCy's lemma index, may only differ by its last letter: "caviste" is not a typo of
"cariste").

An entry matches when *all* its words are in the query; the query may have more words
(qualifiers such as "auto" in "mécanicien auto", context). Among matching entries, those
covering most of the query weight win. Generic words ("technicien", "agent", "opérateur",
"chef", "responsable", "conducteur"…) weigh little and never decide a match on their own.
A query that is only *part* of an entry is not matched: the words it lacks would narrow
the job to something the person did not say ("puéricultrice" is not an "auxiliaire
puéricultrice", "pilote de ligne" not a factory "conducteur ou pilote de lignes").

When the winning entries point to several métiers (a shared variant such as
"électricien", "chef de chantier") the result is ``ambiguous`` with all of them; words of
the query naming a sector or sub-sector ("chef d'équipe BTP") narrow the choice. An OIR
"métier à enjeux" with annex métiers resolves to those métiers (``enjeux`` is set); one
without gives ``enjeux_without_certification``.

Nothing here is a hand-written edit distance or a partial-ratio match: a short query never
matches a long label by containing a fragment of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from bot.contracts import default_contracts
from bot.knowledge.models import Branch, Certification, Diploma, Metier, MetierAEnjeux
from bot.lexicon import lexicon_words
from bot.text import (
    AbbreviationTable,
    Segment,
    fold_accents,
    get_nlp,
    job_segments,
    lemma,
    normalize,
    tokenize,
    word_spans,
)
from bot.understanding.context_words import default_context_words
from bot.understanding.non_job import mask_non_job
from bot.understanding.tasks import TaskScorer, load_task_scorer

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

#: Words that carry no meaning in a job title once normalised.
STOP_WORDS = lexicon_words("stop_words")

#: Heads of many job titles: they tell little about which job it is, so they weigh
#: :data:`WEAK_WEIGHT` and never decide a match alone ("technicien" alone is refused).
GENERIC_WORDS = lexicon_words("generic_words")

#: Qualifiers that do not name a job either ("polyvalent", "qualifié", "de nuit").
WEAK_WORDS = lexicon_words("weak_words")

#: Least rapidfuzz ratio of a phrase to a label or variant for « Vouliez-vous dire … ? ».
SUGGESTION_CUTOFF = 75.0
#: Most métiers offered as suggestions.
MAX_SUGGESTIONS = 3

WEAK_WEIGHT = 0.35
INFORMATIVE_WEIGHT = 1.0

#: Entry kinds, named in :attr:`Candidate.reason`.
_KIND_LABEL = "label"
_KIND_LABEL_PART = "label part"
_KIND_VARIANT = "variant"
_KIND_ENJEUX = "OIR métier à enjeux"

#: Endings of French nouns of a person's trade (« carrossier », « ramoneur », « fleuriste »).
_AGENT_SUFFIXES = ("ier", "iere", "eur", "euse", "iste", "ien", "ienne")

_TARGET_METIER = "metier"
_TARGET_ENJEUX = "enjeux"


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


_Target = tuple[str, str]  # (_TARGET_METIER | _TARGET_ENJEUX, id)


@dataclass
class _Entry:
    """A bag of canonical words and what it designates.

    ``targets`` maps each métier or enjeux it designates to the text as written in the
    knowledge files and its kind (label, label part, variant…). ``whole`` is False for an
    entry made only of generic words that comes from a label part ("Technicien" of
    "Technicien/Monteur installations thermiques"): it cannot match on its own.
    """

    tokens: tuple[str, ...]
    weight: float
    whole: bool
    targets: dict[_Target, tuple[str, str]]
    surfaces: set[str]


@dataclass(frozen=True)
class _Word:
    """A query word mapped to the index: canonical form, similarity (0–1) and how."""

    surface: str
    canon: str
    similarity: float
    how: str  # "exact" | "lemma" | "fuzzy" | "unknown"


@dataclass
class _Outcome:
    """The decision for one segment of the query."""

    coverage: float
    status: str
    candidates: tuple[Candidate, ...]
    enjeux: MetierAEnjeux | None
    positions: tuple[int, ...] = ()
    #: Métiers whose whole annex label was typed, preferred over the others' variants
    #: once the message's own place words have had their say (:meth:`_narrow`).
    preferred: tuple[str, ...] = ()


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
        self._abbreviations = AbbreviationTable(branch.abbreviations)
        self._metiers: dict[str, Metier] = {m.id: m for m in branch.metiers}
        self._order: dict[str, int] = {m.id: i for i, m in enumerate(branch.metiers)}
        self._enjeux: dict[str, MetierAEnjeux] = {e.id: e for e in branch.metiers_a_enjeux}
        self._weak = frozenset(self._lemma(w) for w in GENERIC_WORDS | WEAK_WORDS) | GENERIC_WORDS | WEAK_WORDS
        self._form_map: dict[str, str] = {}
        self._entries: list[_Entry] = []
        self._by_key: dict[tuple[str, ...], _Entry] = {}
        self._build_entries()
        # Sector and sub-sector words of each métier, to narrow an ambiguous choice.
        self._context = {m.id: self._canon_tokens(f"{m.sector} {m.sub_sector}") for m in branch.metiers}
        self._build_places(branch)
        for canon in [t for e in self._entries for t in e.tokens] + [t for c in self._context.values() for t in c]:
            self._form_map.setdefault(canon, canon)
        self._inverted: dict[str, list[int]] = {}
        for index, entry in enumerate(self._entries):
            for token in entry.tokens:
                self._inverted.setdefault(token, []).append(index)
        # Typo candidates by first letter (a typo never touches it here), and the index
        # texts without spaces by length, so that rapidfuzz scans short lists.
        self._choices_by_initial: dict[str, list[str]] = {}
        for form in sorted(self._form_map):
            self._choices_by_initial.setdefault(form[0], []).append(form)
        self._joined_by_length: dict[int, tuple[list[str], list[int]]] = {}
        for index, entry in enumerate(self._entries):
            for surface in sorted(entry.surfaces):
                if len(surface) >= 8:
                    texts, indexes = self._joined_by_length.setdefault(len(surface), ([], []))
                    texts.append(surface)
                    indexes.append(index)
        self._lexicon = self._french_lexicon()
        self._verbs = self._french_lexicon(("verb",))
        # Index texts with spaces (labels, variants), for « Vouliez-vous dire … ? ».
        self._surface_texts: list[str] = []
        self._surface_entry: list[int] = []
        for index, entry in enumerate(self._entries):
            if not entry.whole and not any(not self._is_weak(t) for t in entry.tokens):
                continue
            for text in sorted({normalize(t[0]) for t in entry.targets.values()}):
                self._surface_texts.append(text)
                self._surface_entry.append(index)
        self._word_cache: dict[str, _Word] = {}
        self._glued_cache: dict[str, tuple[int, float]] = {}

    # ------------------------------------------------------------------ index building

    def _lemma(self, word: str) -> str:
        """Canonical form of a word with this matcher's spaCy pipeline (cached)."""
        return lemma(word, self._nlp)

    def _canon_tokens(self, text: str) -> tuple[str, ...]:
        """Canonical words of a knowledge text, stop words removed, order kept, unique."""
        words = self._abbreviations.expand(tokenize(text))
        out: list[str] = []
        for word in words:
            if word in STOP_WORDS:
                continue
            canon = self._lemma(word)
            self._form_map.setdefault(word, canon)
            if canon not in STOP_WORDS and canon not in out:
                out.append(canon)
        return tuple(out)

    def _add(self, text: str, kind: str, target: _Target, whole: bool = True) -> None:
        """Index ``text`` for ``target``; texts with the same words share one entry."""
        tokens = self._canon_tokens(text)
        if not tokens:
            return
        key = tuple(sorted(tokens))
        entry = self._by_key.get(key)
        if entry is None:
            entry = _Entry(tokens, sum(self._weight(t) for t in tokens), whole, {}, set())
            self._by_key[key] = entry
            self._entries.append(entry)
        entry.targets.setdefault(target, (text, kind))
        entry.surfaces.add(normalize(text).replace(" ", ""))
        entry.whole = entry.whole or whole

    def _build_entries(self) -> None:
        """Index labels, label parts and variants of the métiers and of the enjeux."""
        for metier in self.branch.metiers:
            target = (_TARGET_METIER, metier.id)
            for text, kind in _label_forms(metier.label):
                self._add(text, kind, target, kind != _KIND_LABEL_PART or self._has_informative(text))
            for variant in metier.variants:
                self._add(variant, _KIND_VARIANT, target)
        for enjeux in self.branch.metiers_a_enjeux:
            target = (_TARGET_ENJEUX, enjeux.id)
            for text, kind in _label_forms(enjeux.label):
                self._add(text, _KIND_ENJEUX, target, kind != _KIND_LABEL_PART or self._has_informative(text))
            for variant in enjeux.variants:
                self._add(variant, _KIND_ENJEUX, target)

    def _build_places(self, branch: Branch) -> None:
        """Index ``knowledge/context_words.yml``: the everyday words of each place (as
        tuples of canonical words) and, for each métier, the places its label, its
        sub-sector and its sector name (three levels, the most specific first)."""
        contexts = default_context_words()
        self._place_words: list[tuple[str, tuple[str, ...]]] = [
            (c.id, tokens) for c in contexts for tokens in {self._canon_tokens(w) for w in c.words} if tokens
        ]
        labels = [(c.id, tokens) for c in contexts for tokens in {self._canon_tokens(w) for w in c.labels} if tokens]

        def places(text: str) -> frozenset[str]:
            have = set(self._canon_tokens(text))
            return frozenset(place for place, tokens in labels if set(tokens) <= have)

        self._places: dict[str, tuple[frozenset[str], ...]] = {
            m.id: (places(m.label), places(m.sub_sector), places(m.sector)) for m in branch.metiers
        }

    def _places_named(self, message_words: Sequence[str], skip: Sequence[int]) -> frozenset[str]:
        """The places (context ids) the words of the message outside ``skip`` name."""
        have: set[str] = set()
        for i, word in enumerate(message_words):
            if i in skip or word in STOP_WORDS:
                continue
            have.add(word)
            have.add(self._lemma(word))
            have.update(self._abbreviations.expand([word]))
        return frozenset(place for place, tokens in self._place_words if set(tokens) <= have)

    def _has_informative(self, text: str) -> bool:
        """True when ``text`` has a word that is neither generic nor a mere qualifier."""
        return any(not self._is_weak(t) for t in self._canon_tokens(text))

    def _french_lexicon(self, parts: Sequence[str] = ("noun", "adj", "verb", "adv")) -> frozenset[str]:
        """Accent-folded words of spaCy's French lemma index (of the parts of speech
        ``parts``): real words are not typos."""
        table = self._nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        words: set[str] = set()
        for pos in parts:
            try:
                words.update(table[pos])
            except KeyError:
                continue
        return frozenset(fold_accents(w) for w in words)

    # ----------------------------------------------------------------------- weights

    def _is_weak(self, canon: str) -> bool:
        """True for generic heads and qualifiers, which cannot decide a match."""
        # One-letter words (the "B" of "permis B", stray letters) only qualify a job.
        return canon in self._weak or len(canon) == 1

    def _weight(self, canon: str) -> float:
        """Weight of a canonical word in coverage scores."""
        return WEAK_WEIGHT if self._is_weak(canon) else INFORMATIVE_WEIGHT

    # ---------------------------------------------------------------- word mapping

    def _word(self, surface: str) -> _Word:
        """Map one normalised query word to a canonical index word (cached)."""
        cached = self._word_cache.get(surface)
        if cached is not None:
            return cached
        word = self._map_word(surface)
        if len(self._word_cache) < 200_000:
            self._word_cache[surface] = word
        return word

    def _map_word(self, surface: str) -> _Word:
        """Exact form, then lemma (spaCy, only for words not in the index), then typo."""
        canon = self._form_map.get(surface)
        if canon is not None:
            return _Word(surface, canon, 1.0, "exact")
        if not surface.isalpha() or len(surface) > 30:
            return _Word(surface, surface, 0.0, "unknown")
        lemma_form = self._lemma(surface)
        canon = self._form_map.get(lemma_form)
        if canon is not None:
            return _Word(surface, canon, 1.0, "lemma")
        fuzzy = self._fuzzy_word(surface, lemma_form)
        if fuzzy is not None:
            return fuzzy
        return _Word(surface, lemma_form, 0.0, "unknown")

    def _fuzzy_word(self, surface: str, lemma_form: str) -> _Word | None:
        """Typo correction by OSA edit distance against the index words (see module doc)."""
        if len(surface) < 4:
            return None
        if len(surface) == 4:
            # Four letters: only a missing final letter ("poid" → "poids").
            completed = [
                c for c in self._choices_by_initial.get(surface[0], ()) if len(c) == 5 and c.startswith(surface)
            ]
            if len(completed) == 1 and surface not in self._lexicon:
                return _Word(surface, self._form_map[completed[0]], 0.8, "fuzzy")
            return None
        max_edits = 1 if len(surface) < 9 else 2
        if surface in self._verbs:
            return None  # an infinitive (« livrer », « former ») says what is done, no typo
        real_word = surface in self._lexicon or lemma_form in self._lexicon
        # The word as typed, then its lemma with one edit at most: a fold and two edits
        # together would go too far ("puéricultrice" → "puericulteur" is not "puericulture").
        probes = [(surface, max_edits)]
        if lemma_form != surface:
            probes.append((lemma_form, 1))
        found: list[tuple[int, float, str, float]] = []
        for probe, limit in probes:
            choices = self._choices_by_initial.get(probe[0], ())
            for choice, distance, _ in process.extract(
                probe, choices, scorer=OSA.distance, score_cutoff=limit, limit=5
            ):
                if len(choice) < 4:
                    continue
                if real_word and not _suffix_variant(probe, choice, distance):
                    continue
                if not _plausible_typo(probe, choice, distance):
                    continue
                similarity = 1.0 - distance / max(len(probe), len(choice))
                found.append((int(distance), -fuzz.ratio(probe, choice), choice, similarity))
        if not found:
            return None
        best = min(found)
        return _Word(surface, self._form_map[best[2]], best[3], "fuzzy")

    # ---------------------------------------------------------------------- matching

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
        ranked: list[tuple[tuple[Any, ...], int, _Outcome]] = []
        for position, segment in enumerate(segments):
            outcome = self._match_segment(segment)
            if outcome is None or _object_of_a_verb(every_word, outcome.positions):
                continue
            if _verb_after_its_subject(every_word, outcome.positions):
                continue
            rank = (segment.correction, not segment.wish, outcome.coverage, -position)
            ranked.append((rank, position, outcome))
        if not ranked:
            described = self._described(masked, target, target_level)
            if described is not None:
                described = dataclasses.replace(described, query=query)
            if described is None:
                described = self._suggested(query, segments, spans)
            return [described] if described is not None else []
        best_position = max(ranked)[1]
        results: list[MatchResult] = []
        for _, _position, outcome in sorted(ranked, key=lambda r: (r[1] == best_position, r[1])):
            span = None
            if outcome.positions:
                span = (spans[min(outcome.positions)][0], spans[max(outcome.positions)][1])
            outcome = self._narrow(outcome, every_word, target, target_level, query, span)
            if outcome.positions:
                span = (spans[min(outcome.positions)][0], spans[max(outcome.positions)][1])
            results.append(
                MatchResult(query, outcome.status, outcome.candidates[: max(limit, 1)], outcome.enjeux, span)
            )
        return results

    def _described(
        self, query: str, target: Diploma | None = None, target_level: int | None = None
    ) -> MatchResult | None:
        """The métier(s) a description of tasks fits (no title named), or None. Several
        close ones are narrowed, as titles are, by the places the message names (« dans
        un EHPAD ») and by the diploma or level aimed at."""
        if self._tasks is None:
            return None
        ranked = self._tasks.rank(query)
        if ranked.status == "refused":
            return None
        candidates = []
        for hit in ranked.hits:
            words = ", ".join(hit.words)
            score = round(min(99.0, 100.0 * hit.score / (hit.score + 4.0)), 1)
            candidates.append(Candidate(self._metiers[hit.metier_id], score, words, f"task description ({words})"))
        if len(candidates) > 1:
            candidates = list(self._narrow_described(tuple(candidates), query, target, target_level))
        span = (min(s for s, _ in ranked.spans), max(e for _, e in ranked.spans)) if ranked.spans else None
        status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
        return MatchResult(query, status, tuple(candidates), None, span, SOURCE_TASKS, ranked.hits[0].words)

    def _narrow_described(
        self,
        candidates: tuple[Candidate, ...],
        query: str,
        target: Diploma | None,
        target_level: int | None,
    ) -> tuple[Candidate, ...]:
        """Close task candidates narrowed by the message's places (label, sub-sector,
        then sector) and by the diploma or level aimed at; unchanged when nothing tells
        them apart."""
        named = self._places_named([w for _, _, w in word_spans(query)], ())
        if named:
            for level in range(3):
                by_place = tuple(c for c in candidates if named & self._places[c.metier.id][level])
                if by_place and len(by_place) < len(candidates):
                    candidates = by_place
                    break
        if target is not None or target_level is not None:
            by_target = tuple(
                c
                for c in candidates
                if any(_fits_target(cert, target, target_level) for cert in c.metier.certifications)
            )
            if by_target and len(by_target) < len(candidates):
                candidates = by_target
        return candidates

    def _suggested(
        self, query: str, segments: Sequence[Segment], spans: Sequence[tuple[int, int, str]]
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
                and w not in self._form_map
                and w not in self._lexicon
                and self._lemma(w) not in self._form_map
                and self._lemma(w) not in self._lexicon
                and process.extractOne(w, self._choices_by_initial.get(w[0], ()), scorer=fuzz.ratio, score_cutoff=80.0)
            ]
            if not strange:
                continue
            typed = " ".join(segment.words)
            found = process.extract(
                typed, self._surface_texts, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF, limit=8
            )
            metier_ids: list[str] = []
            for _, _score, position in found:
                for target in self._entries[self._surface_entry[position]].targets:
                    if target[0] == _TARGET_METIER and target[1] not in metier_ids:
                        metier_ids.append(target[1])
            if not metier_ids:
                continue
            metier_ids = metier_ids[:MAX_SUGGESTIONS]
            best = found[0][1]
            candidates = tuple(
                Candidate(
                    self._metiers[m],
                    round(best, 1),
                    typed,
                    f"near miss of « {self._metiers[m].label} » (typed: {typed})",
                )
                for m in metier_ids
            )
            positions = segment.positions
            span = (spans[min(positions)][0], spans[max(positions)][1]) if positions else None
            return MatchResult(query, STATUS_SUGGESTION, candidates, None, span)
        return None

    def _empty_or_refused(self, text: str) -> MatchResult:
        """The result when no phrase matched: ``empty`` or ``not_in_list``."""
        query = text if isinstance(text, str) else ""
        status = STATUS_EMPTY if not job_segments(mask_non_job(default_contracts().mask(query))) else STATUS_NOT_IN_LIST
        return MatchResult(query, status, (), None)

    def _narrow(
        self,
        outcome: _Outcome,
        message_words: Sequence[str],
        target: Diploma | None,
        target_level: int | None,
        query: str = "",
        span: tuple[int, int] | None = None,
    ) -> _Outcome:
        """Narrow an ambiguous outcome with the rest of the message: sector words anywhere
        in it, then what the other words say of the tasks or the workplace (« électricien
        à l'hôpital »), then the diploma or level aimed at."""
        if outcome.status != STATUS_AMBIGUOUS:
            return outcome
        candidates = outcome.candidates
        # Words that named the job do not count as context ("électricien de maintenance").
        canon = {
            self._word(w).canon
            for i, w in enumerate(message_words)
            if i not in outcome.positions and w not in STOP_WORDS and len(w) > 2
        }
        # A place named in the message (« dans le bâtiment », « en usine »): the métier
        # whose label names it first, then its sub-sector, then its sector.
        named = self._places_named(message_words, outcome.positions)
        by_label_place = [c for c in candidates if named & self._places[c.metier.id][0]]
        if by_label_place and len(by_label_place) < len(candidates):
            candidates = tuple(by_label_place)
        elif outcome.preferred:
            # The exact label typed wins over the variants of others, unless the label of
            # another names the place of the message (above).
            candidates = tuple(c for c in candidates if c.metier.id in outcome.preferred) or candidates
        elif named:
            for level in (1, 2):
                by_place = [c for c in candidates if named & self._places[c.metier.id][level]]
                if by_place and len(by_place) < len(candidates):
                    candidates = tuple(by_place)
                    break
        by_context = [c for c in candidates if canon & set(self._context[c.metier.id])]
        if by_context and len(by_context) < len(candidates):
            candidates = tuple(by_context)
        if self._tasks is not None and len(candidates) > 1 and query:
            preferred = set(self._tasks.prefer(query, [c.metier.id for c in candidates], [span] if span else ()))
            if preferred and len(preferred) < len(candidates):
                candidates = tuple(c for c in candidates if c.metier.id in preferred)
        if target is not None or target_level is not None:
            by_target = [
                c
                for c in candidates
                if any(_fits_target(cert, target, target_level) for cert in c.metier.certifications)
            ]
            if by_target and len(by_target) < len(candidates):
                candidates = tuple(by_target)
        if candidates == outcome.candidates:
            return outcome
        status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
        positions = outcome.positions
        if status == STATUS_AMBIGUOUS:
            # Still a choice, but a narrower one: the span takes in the words that narrowed
            # it (« maçon dans les travaux publics »), so that the phrase alone, matched
            # again by whoever reads the span, gives the same choice.
            kept = {c.metier.id for c in candidates}
            place_tokens = {t for place, tokens in self._place_words if place in named for t in tokens}
            context = {t for m in kept for t in self._context[m]}
            extra = {
                i
                for i, w in enumerate(message_words)
                if i not in outcome.positions
                and w not in STOP_WORDS
                and (w in place_tokens or self._lemma(w) in place_tokens or self._word(w).canon in context)
            }
            positions = tuple(sorted(set(positions) | extra))
        return _Outcome(outcome.coverage, status, candidates, outcome.enjeux, positions, outcome.preferred)

    def _segment_words(self, segment: Segment) -> list[tuple[_Word, tuple[int, ...]]]:
        """The segment's words, abbreviations expanded, mapped to the index, each with the
        positions of the message words it comes from."""
        positions = segment.positions or tuple(range(len(segment.words)))
        pairs: list[tuple[str, tuple[int, ...]]] = []
        for word, position in zip(segment.words, positions, strict=False):
            for expanded in self._abbreviations.expand([word]):
                pairs.append((expanded, (position,)))
        pairs = self._glue(pairs)
        return [(self._word(w), p) for w, p in pairs if w not in STOP_WORDS]

    def _glue(self, pairs: Sequence[tuple[str, tuple[int, ...]]]) -> list[tuple[str, tuple[int, ...]]]:
        """Join two adjacent words when together they are an index word ("électro mécanicien")."""
        out: list[tuple[str, tuple[int, ...]]] = []
        index = 0
        while index < len(pairs):
            if index + 1 < len(pairs):
                glued = pairs[index][0] + pairs[index + 1][0]
                if glued in self._form_map and pairs[index][0] not in self._form_map:
                    out.append((glued, pairs[index][1] + pairs[index + 1][1]))
                    index += 2
                    continue
            out.append(pairs[index])
            index += 1
        return out

    def _match_segment(self, segment: Segment) -> _Outcome | None:
        """The best entries fully present in one segment, or None."""
        words = self._segment_words(segment)
        known: dict[str, _Word] = {}
        where: dict[str, tuple[int, ...]] = {}
        unknown: list[_Word] = []
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
            weight = self._weight(canon)
            for index in self._inverted.get(canon, ()):
                covered[index] = covered.get(index, 0.0) + weight * word.similarity
                counts[index] = counts.get(index, 0) + 1
                if weight == INFORMATIVE_WEIGHT:
                    informative.add(index)
        query_weight = sum(self._weight(c) for c in known)

        # Only *full* entries count: all their words are in the query (the query may have
        # more, qualifiers such as "auto" in "mécanicien auto" or context words). A query
        # that is only part of an entry is not matched: the words it lacks narrow the job
        # to something the person did not say ("pilote de ligne" is not a "conducteur ou
        # pilote de lignes" of a factory, nor "puéricultrice" an "auxiliaire puéricultrice").
        full = [
            index
            for index, count in counts.items()
            if count == len(self._entries[index].tokens) and (index in informative or self._entries[index].whole)
        ]
        if not full:
            return self._match_glued(segment, unknown, where)
        top = max(covered[i] for i in full)
        chosen = [i for i in full if covered[i] >= top - 1e-9]
        used = {t for i in chosen for t in self._entries[i].tokens}
        leftover = [c for c in known if c not in used] + [w.canon for w in unknown]
        positions = tuple(sorted({p for t in used for p in where.get(t, ())}))
        outcome = self._outcome(chosen, covered, known, query_weight, leftover, positions=positions)
        if outcome.status == STATUS_AMBIGUOUS and not outcome.preferred and self._names_another_job(unknown):
            # « chauffeur de taxi », « monteur échafaudage »: a shared head word with a
            # qualifier the list knows nothing of is another job, not a choice to offer.
            return None
        if self._another_job_beside(unknown, where, positions):
            # « carrossier peintre »: a trade noun the list does not know, glued to the
            # title, makes another trade (the list's « Peintre » is the building one).
            return None
        return outcome

    def _another_job_beside(
        self, unknown: Sequence[_Word], where: Mapping[str, tuple[int, ...]], positions: Sequence[int]
    ) -> bool:
        """True when a word right before or after the job words is a French agent noun
        (« carrossier », « ramoneur ») that no métier's title nor tasks know."""
        if not positions:
            return False
        beside = {min(positions) - 1, max(positions) + 1}
        for word in unknown:
            surface = word.surface
            if len(surface) < 5 or surface not in self._lexicon or not surface.endswith(_AGENT_SUFFIXES):
                continue
            if self._tasks is not None and self._tasks.knows(surface):
                continue
            if beside & set(where.get(surface, ())):
                return True
        return False

    def _names_another_job(self, unknown: Sequence[_Word]) -> bool:
        """True when a word left over is a real French word that no métier's title nor
        task description has (so it narrows the job to one the list does not have)."""
        for word in unknown:
            if len(word.surface) < 4 or word.surface not in self._lexicon:
                continue
            if self._tasks is not None and self._tasks.knows(word.surface):
                continue
            return True
        return False

    def _match_glued(
        self, segment: Segment, unknown: Sequence[_Word], where: Mapping[str, tuple[int, ...]]
    ) -> _Outcome | None:
        """Last resort for words typed without spaces ("aidesoignante", "chefdequipe").

        A long unknown word, or the whole phrase glued, is compared with the index texts
        glued, by OSA distance (one edit below twelve letters, two from twelve): glueing
        must not let "operateur" match "opérateur CN".
        """
        probes = [w.surface for w in unknown if len(w.surface) >= 9]
        whole = "".join(segment.words)
        if 9 <= len(whole) <= 60 and len(segment.words) > 1 and whole not in probes:
            probes.append(whole)
        for glued in probes:
            found = self._glued_cache.get(glued)
            if found is None:
                found = self._find_glued(glued)
                if len(self._glued_cache) < 50_000:
                    self._glued_cache[glued] = found
            if found[0] >= 0:
                index, similarity = found
                entry = self._entries[index]
                covered = {index: entry.weight * similarity}
                known = {t: _Word(t, t, similarity, "fuzzy") for t in entry.tokens}
                positions = where.get(glued) or segment.positions
                return self._outcome([index], covered, known, entry.weight, [], glued=glued, positions=tuple(positions))
        return None

    def _find_glued(self, glued: str) -> tuple[int, float]:
        """(entry index, similarity) of the entry a glued word stands for, or (-1, 0)."""
        max_edits = 1 if len(glued) < 12 else 2
        found: list[tuple[float, int]] = []
        for length in range(len(glued) - max_edits, len(glued) + max_edits + 1):
            texts, indexes = self._joined_by_length.get(length, ([], []))
            for text, distance, position in process.extract(
                glued, texts, scorer=OSA.distance, score_cutoff=max_edits, limit=3
            ):
                if not _plausible_typo(glued, text, distance):
                    continue
                entry = self._entries[indexes[position]]
                if entry.whole or any(not self._is_weak(t) for t in entry.tokens):
                    found.append((distance, indexes[position]))
        if found:
            best_distance, index = min(found)
            # a missing space is a typo too: never a perfect score
            return index, 0.95 * (1.0 - best_distance / len(glued))
        return -1, 0.0

    # ----------------------------------------------------------------- result building

    def _outcome(
        self,
        chosen: Sequence[int],
        covered: Mapping[int, float],
        known: Mapping[str, _Word],
        query_weight: float,
        leftover: Sequence[str],
        glued: str | None = None,
        positions: tuple[int, ...] = (),
    ) -> _Outcome:
        """Turn the chosen entries into ranked candidates, a status and the enjeux."""
        per_metier: dict[str, tuple[float, str, str]] = {}
        label_hit: set[str] = set()  # métiers whose whole annex label was typed
        part_hit: set[str] = set()  # métiers one part of whose annex label was typed
        enjeux_hit: list[MetierAEnjeux] = []
        for index in chosen:
            entry = self._entries[index]
            score = 100.0 * 2.0 * covered[index] / (entry.weight + query_weight)
            # métier targets first, so that a variant shared with an enjeux entry is
            # reported as the métier's own.
            for target in sorted(entry.targets, key=lambda t: (t[0] != _TARGET_METIER, t[1])):
                text, kind = entry.targets[target]
                if target[0] == _TARGET_ENJEUX:
                    enjeux = self._enjeux[target[1]]
                    if enjeux not in enjeux_hit:
                        enjeux_hit.append(enjeux)
                    metier_ids: Iterable[str] = enjeux.annex_metier_ids
                else:
                    metier_ids = (target[1],)
                reason = self._reason(entry, text, kind, known, glued)
                if target[0] == _TARGET_METIER and kind == _KIND_LABEL:
                    label_hit.add(target[1])
                elif target[0] == _TARGET_METIER and kind == _KIND_LABEL_PART:
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
            # Applied by _narrow after the places the labels name (« gouvernante dans une
            # clinique » is the Gouvernant établissement de santé, not the hotel one).
            preferred = tuple(m for m in metier_ids if m in label_hit)
        if len(metier_ids) > 1 and leftover and not preferred:
            narrowed = [m for m in metier_ids if any(c in self._context[m] for c in leftover)]
            if narrowed:
                metier_ids = narrowed
        metier_ids.sort(key=lambda m: (-per_metier[m][0], self._order[m]))
        candidates = tuple(
            Candidate(self._metiers[m], round(per_metier[m][0], 1), per_metier[m][1], per_metier[m][2])
            for m in metier_ids
        )
        coverage = max(covered[i] for i in chosen)
        # When the query names several jobs, prefer the enjeux of the métiers returned.
        enjeux_hit.sort(key=lambda e: not set(e.annex_metier_ids) & set(metier_ids))
        chosen_enjeux = enjeux_hit[0] if enjeux_hit else None
        if not candidates:
            return _Outcome(coverage, STATUS_ENJEUX, (), chosen_enjeux, positions)
        status = STATUS_MATCHED if len(candidates) == 1 else STATUS_AMBIGUOUS
        return _Outcome(coverage, status, candidates, chosen_enjeux, positions, preferred)

    def _reason(
        self,
        entry: _Entry,
        text: str,
        kind: str,
        known: Mapping[str, _Word],
        glued: str | None,
    ) -> str:
        """Short explanation: how the words were matched and on which text."""
        if glued is not None:
            return f"fuzzy match on {kind} « {text} » (typed without spaces: {glued})"
        notes = []
        for canon in entry.tokens:
            word = known.get(canon)
            if word is not None and word.how == "fuzzy":
                notes.append(f"typo {word.surface}→{canon}")
            elif word is not None and word.how == "lemma":
                notes.append(f"lemma {word.surface}→{canon}")
        how = "fuzzy" if any(n.startswith("typo") for n in notes) else "lemma" if notes else "exact"
        detail = f" ({', '.join(notes)})" if notes else ""
        return f"{how} match on {kind} « {text} »{detail}"


#: Subjects, reflexive pronouns, verbs that say what one *is*, and determiners of an
#: object: « j'administre les serveurs », « j'encadre les femmes de chambre » name what
#: the person works on, not their job; « je suis un serveur », « ils sont des caristes »
#: do name it.
_SUBJECTS = frozenset({"je", "j", "nous", "on", "il", "elle", "ils", "elles"})
_REFLEXIVES = frozenset({"me", "m", "se", "s", "nous"})
_BEING_VERBS = frozenset(
    {
        "suis",
        "es",
        "est",
        "sommes",
        "etes",
        "sont",
        "etais",
        "etait",
        "etaient",
        "serai",
        "sera",
        "seront",
        "deviens",
        "devient",
        "deviennent",
        "reste",
        "restes",
        "restent",
        "travaille",
        "travaillent",
        "bosse",
        "bossent",
        "remplace",
        "remplacent",
    }
)
_OBJECT_DETERMINERS = frozenset({"les", "des", "mes", "nos", "vos", "ses", "leurs", "aux", "du"})
#: Any determiner (a collective noun or a first object noun may follow one).
_DETERMINERS = _OBJECT_DETERMINERS | frozenset(
    {"le", "la", "l", "un", "une", "mon", "ma", "ton", "ta", "son", "sa", "notre", "votre", "leur"}
)
#: Words that may stand between a determiner and the people worked with (« les nouveaux
#: téléconseillers », « les deux caristes »).
_OBJECT_QUALIFIERS = frozenset(
    {
        "nouveaux",
        "nouvelles",
        "jeunes",
        "futurs",
        "futures",
        "autres",
        "petits",
        "petites",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "dix",
        "plusieurs",
        "quelques",
        "differents",
        "differentes",
    }
)
#: Nouns of a group of people (« une équipe de maçons »).
_COLLECTIVES = frozenset({"equipe", "equipes", "groupe", "groupes", "brigade", "dizaine", "vingtaine"})


def _object_of_a_verb(words: Sequence[str], positions: Sequence[int]) -> bool:
    """True when the job words at ``positions`` are the object of a verb whose subject
    precedes it (« j'administre les serveurs », « j'encadre une équipe de maçons », « je
    forme les nouveaux téléconseillers », « j'organise les tournées des chauffeurs »): the
    title names who or what is worked on, not the person's job."""
    if not positions:
        return False
    index = min(positions) - 1
    while index >= 0 and words[index] in _OBJECT_QUALIFIERS:
        index -= 1
    if index >= 2 and words[index] in ("de", "d") and words[index - 1] in _COLLECTIVES:
        index -= 2  # the determiner of « une équipe de »
        if words[index] not in _DETERMINERS:
            return False
    elif index < 0 or words[index] not in _OBJECT_DETERMINERS:
        return False
    verb = index - 1
    if verb >= 2 and words[verb - 1] in _DETERMINERS and words[verb - 2] not in _SUBJECTS:
        verb -= 2  # a first object: « organise les tournées des chauffeurs »
    if verb < 1 or words[verb] in _BEING_VERBS or words[verb] in _SUBJECTS or words[verb] in _DETERMINERS:
        return False
    before = verb - 1
    if words[before] in _REFLEXIVES and before >= 1 and words[before - 1] in _SUBJECTS:
        return True
    return words[before] in _SUBJECTS


def _verb_after_its_subject(words: Sequence[str], positions: Sequence[int]) -> bool:
    """True when the first job word follows a subject pronoun directly (« je conseille
    les clients », « je forme »): it is a verb there, not a job title (« je suis
    conseiller » has its being verb in between)."""
    if not positions:
        return False
    first = min(positions)
    if first < 1 or words[first] in _BEING_VERBS:
        return False
    before = first - 1
    if words[before] in _REFLEXIVES and before >= 1 and words[before - 1] in _SUBJECTS:
        return True
    return words[before] in _SUBJECTS and words[before] != "nous"


def _label_forms(label: str) -> list[tuple[str, str]]:
    """(text, kind) pairs: a label, the label without its parenthesis, and its parts when it
    joins jobs with "/" ("Agent d'accueil / standardiste")."""
    forms = [(label, _KIND_LABEL)]
    bare = label.split("(")[0].strip()
    if bare and bare != label:
        forms.append((bare, _KIND_LABEL))
    if "/" in bare:
        for part in bare.split("/"):
            part = part.strip()
            if part:
                forms.append((part, _KIND_LABEL_PART))
    return forms


def _fits_target(certification: Certification, target: Diploma | None, level: int | None) -> bool:
    """True when ``certification`` is the diploma aimed at (its title says so) or, for a
    diploma whose titles are not recognisable or a bare level, has the level aimed at."""
    if target is not None and target.title_prefixes:
        return bool(target.names(certification))
    wanted = level if level is not None else (target.level if target is not None else None)
    return wanted is not None and certification.level_number == wanted


def _plausible_typo(typed: str, known: str, distance: float) -> bool:
    """False for two edits that only replace letters: that makes another word
    ("électrotechnicien" / "électromécanicien"); a real typo of two edits includes a
    missing, extra or swapped letter ("carelleur" / "carreleur")."""
    return distance < 2 or Indel.distance(typed, known) <= 3


def _suffix_variant(probe: str, choice: str, distance: float) -> bool:
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
