"""The index of one branch's job titles: bags of canonical words and what they designate.

Every annex métier label (its parts when it joins jobs with "/", the label without its
parenthesis), every variant of ``vocabulary.yml`` and every OIR "métier à enjeux" label
and variant becomes an :class:`Entry`: its words normalised, abbreviations expanded,
lemmatised, stop words removed. :class:`MetierIndex` builds them once per branch, with
the lookup tables the matching reads (word → entries, typo candidates, glued texts, the
places of ``knowledge/context_words.yml``) and the weights of words: generic heads and
qualifiers (``knowledge/lexicon/fr.yml``) weigh little and never decide a match alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.models import Branch, Metier, MetierAEnjeux
from bot.lexicon import lexicon_words
from bot.text import AbbreviationTable, fold_accents, get_nlp, lemma, normalize, tokenize
from bot.understanding.context_words import default_context_words

#: Words that carry no meaning in a job title once normalised.
STOP_WORDS = lexicon_words("stop_words")

#: Heads of many job titles: they tell little about which job it is, so they weigh
#: :data:`WEAK_WEIGHT` and never decide a match alone ("technicien" alone is refused).
GENERIC_WORDS = lexicon_words("generic_words")

#: Qualifiers that do not name a job either ("polyvalent", "qualifié", "de nuit").
WEAK_WORDS = lexicon_words("weak_words")

WEAK_WEIGHT = 0.35
INFORMATIVE_WEIGHT = 1.0

#: Entry kinds, named in :attr:`bot.metier_matching.results.Candidate.reason` (for
#: developers: English, an OIR "métier à enjeux" being an enjeux).
KIND_LABEL = "label"
KIND_LABEL_PART = "label part"
KIND_VARIANT = "variant"
KIND_ENJEUX = "OIR enjeux"

TARGET_METIER = "metier"
TARGET_ENJEUX = "enjeux"

Target = tuple[str, str]  # (TARGET_METIER | TARGET_ENJEUX, id)


@dataclass
class Entry:
    """A bag of canonical words and what it designates.

    ``targets`` maps each métier or enjeux it designates to the text as written in the
    knowledge files and its kind (label, label part, variant…). ``whole`` is False for an
    entry made only of generic words that comes from a label part ("Technicien" of
    "Technicien/Monteur installations thermiques"): it cannot match on its own.
    """

    tokens: tuple[str, ...]
    weight: float
    whole: bool
    targets: dict[Target, tuple[str, str]]
    surfaces: set[str]


def label_forms(label: str) -> list[tuple[str, str]]:
    """(text, kind) pairs: a label, the label without its parenthesis, and its parts when it
    joins jobs with "/" ("Agent d'accueil / standardiste")."""
    forms = [(label, KIND_LABEL)]
    bare = label.split("(")[0].strip()
    if bare and bare != label:
        forms.append((bare, KIND_LABEL))
    if "/" in bare:
        for part in bare.split("/"):
            part = part.strip()
            if part:
                forms.append((part, KIND_LABEL_PART))
    return forms


class MetierIndex:
    """The entries of one branch and the tables to look them up (built once)."""

    def __init__(self, branch: Branch, nlp: Any = None) -> None:
        """Index the branch's métiers, variants, métiers à enjeux and places.

        ``nlp`` is a spaCy French pipeline with a ``lemmatizer``; by default the shared
        one of :func:`bot.text.get_nlp`.
        """
        self.nlp = nlp if nlp is not None else get_nlp()
        self.abbreviations = AbbreviationTable(branch.abbreviations)
        self.metiers: dict[str, Metier] = {m.id: m for m in branch.metiers}
        self.order: dict[str, int] = {m.id: i for i, m in enumerate(branch.metiers)}
        self.enjeux: dict[str, MetierAEnjeux] = {e.id: e for e in branch.metiers_a_enjeux}
        self.weak = frozenset(self.lemma(w) for w in GENERIC_WORDS | WEAK_WORDS) | GENERIC_WORDS | WEAK_WORDS
        #: Every known form of an index word → its canonical form.
        self.form_map: dict[str, str] = {}
        self.entries: list[Entry] = []
        self._by_key: dict[tuple[str, ...], Entry] = {}
        self._build_entries(branch)
        #: Sector and sub-sector words of each métier, to narrow an ambiguous choice.
        self.context = {m.id: self.canon_tokens(f"{m.sector} {m.sub_sector}") for m in branch.metiers}
        self._build_places(branch)
        for canon in [t for e in self.entries for t in e.tokens] + [t for c in self.context.values() for t in c]:
            self.form_map.setdefault(canon, canon)
        #: Canonical word → the entries that have it.
        self.inverted: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for token in entry.tokens:
                self.inverted.setdefault(token, []).append(index)
        # Typo candidates by first letter (a typo never touches it here), and the index
        # texts without spaces by length, so that rapidfuzz scans short lists.
        self.choices_by_initial: dict[str, list[str]] = {}
        for form in sorted(self.form_map):
            self.choices_by_initial.setdefault(form[0], []).append(form)
        self.joined_by_length: dict[int, tuple[list[str], list[int]]] = {}
        for index, entry in enumerate(self.entries):
            for surface in sorted(entry.surfaces):
                if len(surface) >= 8:
                    texts, indexes = self.joined_by_length.setdefault(len(surface), ([], []))
                    texts.append(surface)
                    indexes.append(index)
        #: Real French words (spaCy's lemma index, accent-folded): real words are not typos.
        self.lexicon = self._french_lexicon()
        self.verbs = self._french_lexicon(("verb",))
        # Index texts with spaces (labels, variants), for « Vouliez-vous dire … ? ».
        self.surface_texts: list[str] = []
        self.surface_entry: list[int] = []
        for index, entry in enumerate(self.entries):
            if not entry.whole and not any(not self.is_weak(t) for t in entry.tokens):
                continue
            for text in sorted({normalize(t[0]) for t in entry.targets.values()}):
                self.surface_texts.append(text)
                self.surface_entry.append(index)

    # ------------------------------------------------------------------ words

    def lemma(self, word: str) -> str:
        """Canonical form of a word with this index's spaCy pipeline (cached)."""
        return lemma(word, self.nlp)

    def canon_tokens(self, text: str) -> tuple[str, ...]:
        """Canonical words of a knowledge text, stop words removed, order kept, unique
        (each word's canonical form is remembered in :attr:`form_map`)."""
        words = self.abbreviations.expand(tokenize(text))
        out: list[str] = []
        for word in words:
            if word in STOP_WORDS:
                continue
            canon = self.lemma(word)
            self.form_map.setdefault(word, canon)
            if canon not in STOP_WORDS and canon not in out:
                out.append(canon)
        return tuple(out)

    def is_weak(self, canon: str) -> bool:
        """True for generic heads and qualifiers, which cannot decide a match."""
        # One-letter words (the "B" of "permis B", stray letters) only qualify a job.
        return canon in self.weak or len(canon) == 1

    def weight(self, canon: str) -> float:
        """Weight of a canonical word in coverage scores."""
        return WEAK_WEIGHT if self.is_weak(canon) else INFORMATIVE_WEIGHT

    def has_informative(self, text: str) -> bool:
        """True when ``text`` has a word that is neither generic nor a mere qualifier."""
        return any(not self.is_weak(t) for t in self.canon_tokens(text))

    def places_named(self, message_words: Sequence[str], skip: Sequence[int]) -> frozenset[str]:
        """The places (context ids) the words of the message outside ``skip`` name."""
        have: set[str] = set()
        for i, word in enumerate(message_words):
            if i in skip or word in STOP_WORDS:
                continue
            have.add(word)
            have.add(self.lemma(word))
            have.update(self.abbreviations.expand([word]))
        return frozenset(place for place, tokens in self.place_words if set(tokens) <= have)

    # --------------------------------------------------------------- building

    def _add(self, text: str, kind: str, target: Target, whole: bool = True) -> None:
        """Index ``text`` for ``target``; texts with the same words share one entry."""
        tokens = self.canon_tokens(text)
        if not tokens:
            return
        key = tuple(sorted(tokens))
        entry = self._by_key.get(key)
        if entry is None:
            entry = Entry(tokens, sum(self.weight(t) for t in tokens), whole, {}, set())
            self._by_key[key] = entry
            self.entries.append(entry)
        entry.targets.setdefault(target, (text, kind))
        entry.surfaces.add(normalize(text).replace(" ", ""))
        entry.whole = entry.whole or whole

    def _build_entries(self, branch: Branch) -> None:
        """Index labels, label parts and variants of the métiers and of the enjeux."""
        for metier in branch.metiers:
            target = (TARGET_METIER, metier.id)
            for text, kind in label_forms(metier.label):
                self._add(text, kind, target, kind != KIND_LABEL_PART or self.has_informative(text))
            for variant in metier.variants:
                self._add(variant, KIND_VARIANT, target)
        for enjeux in branch.metiers_a_enjeux:
            target = (TARGET_ENJEUX, enjeux.id)
            for text, kind in label_forms(enjeux.label):
                self._add(text, KIND_ENJEUX, target, kind != KIND_LABEL_PART or self.has_informative(text))
            for variant in enjeux.variants:
                self._add(variant, KIND_ENJEUX, target)

    def _build_places(self, branch: Branch) -> None:
        """Index ``knowledge/context_words.yml``: the everyday words of each place (as
        tuples of canonical words) and, for each métier, the places its label, its
        sub-sector and its sector name (three levels, the most specific first)."""
        contexts = default_context_words()
        self.place_words: list[tuple[str, tuple[str, ...]]] = [
            (c.id, tokens) for c in contexts for tokens in {self.canon_tokens(w) for w in c.words} if tokens
        ]
        labels = [(c.id, tokens) for c in contexts for tokens in {self.canon_tokens(w) for w in c.labels} if tokens]

        def places(text: str) -> frozenset[str]:
            have = set(self.canon_tokens(text))
            return frozenset(place for place, tokens in labels if set(tokens) <= have)

        self.places: dict[str, tuple[frozenset[str], ...]] = {
            m.id: (places(m.label), places(m.sub_sector), places(m.sector)) for m in branch.metiers
        }

    def _french_lexicon(self, parts: Sequence[str] = ("noun", "adj", "verb", "adv")) -> frozenset[str]:
        """Accent-folded words of spaCy's French lemma index (of the parts of speech
        ``parts``): real words are not typos."""
        table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        words: set[str] = set()
        for pos in parts:
            try:
                words.update(table[pos])
            except KeyError:
                continue
        return frozenset(fold_accents(w) for w in words)
