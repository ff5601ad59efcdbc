"""Which words of a message are conjugated verbs, and which are in the imperfect.

The core answers without a spaCy pipeline (no morphologizer at answer time), so verb forms
are read from spaCy's French verb tables (:func:`bot.text.verb_tables`: the verb lemmas it
knows and its exceptions, an inflected form → its lemma) and the endings of
``knowledge/lexicon/questions.yml`` (``verb_forms``). Two readers use them:

- the question reader: a verb in the imperfect puts a question in the past (« j'avais
  droit à la Pro-A ? », « sa Pro-A devait-elle durer 6 mois ? », « on le déposait auprès
  de quel OPCO ? ») as « en 2025 » does; a list of forms (``past_cues``) cannot hold every
  verb people use. Not a conditional (« pourrait »), not after « si » (« si c'était un
  CDD ? » asks of today), not the polite imperfect (« je voulais savoir si… »);
- the job phrases: « mon salarié arrête sa période… » states no job « arrête sa ».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.lexicon import read_word_file
from bot.text import fold_accents, verb_tables
from bot.understanding.question_words import WORD_FILE


@dataclass(frozen=True)
class VerbForms:
    """The verb forms of one set of verb tables and word lists (all folded, lower case)."""

    imperfect_endings: tuple[str, ...]
    conditional_endings: tuple[str, ...]
    present_endings: tuple[str, ...]  # of a regular verb (« arrête », « travaillent »)
    regular_infinitive: str
    hypothesis_words: frozenset[str]
    hypothesis_window: int
    present_verbs: frozenset[str]
    not_verbs: frozenset[str]
    verbs: frozenset[str]  # verb lemmas
    forms: Mapping[str, str]  # inflected forms → lemma

    def imperfect(self, word: str) -> str | None:
        """The verb of which ``word`` is an imperfect, else None: a form the tables map to
        a verb no longer than itself (« avait » → avoir; not « fait » → faire, a present)
        that is no conditional (« pourrait »), or a regular verb's stem + an imperfect
        ending (« visait » → viser, « durait » → durer)."""
        if not word.endswith(self.imperfect_endings) or word in self.not_verbs:
            return None
        lemma = self.forms.get(word)
        if lemma is not None and not word.endswith(self.conditional_endings) and len(word) >= len(lemma):
            return lemma
        return self._regular(word, self.imperfect_endings)

    def conjugated(self, word: str) -> str | None:
        """The verb of which ``word`` is a conjugated form (not the infinitive), else None:
        a form of the tables' exceptions (« est », « peut ») or a regular verb's stem + a
        present or imperfect ending (« arrête » → arrêter)."""
        if word in self.not_verbs or word in self.verbs:
            return None
        lemma = self.forms.get(word)
        if lemma is not None:
            return lemma
        return self._regular(word, self.imperfect_endings + self.present_endings)

    def _regular(self, word: str, endings: Sequence[str]) -> str | None:
        """A regular verb whose stem + one of ``endings`` is ``word``."""
        for ending in sorted(endings, key=len, reverse=True):
            if not word.endswith(ending) or len(word) <= len(ending) + 1:
                continue
            stem = word[: -len(ending)]
            # « mangeait » → manger: the « e » kept before « a » after a « g ».
            for candidate in (stem, stem[:-1] if stem.endswith("e") else ""):
                if candidate and candidate + self.regular_infinitive in self.verbs:
                    return candidate + self.regular_infinitive
        return None

    def in_past(self, words: Sequence[str]) -> bool:
        """Whether the words of a normalised message hold a verb in the imperfect that
        puts it in the past (not a hypothesis, not a polite « je voulais »)."""
        for position, word in enumerate(words):
            lemma = self.imperfect(word)
            if lemma is not None and lemma not in self.present_verbs and not self.in_hypothesis(words, position):
                return True
        return False

    def in_hypothesis(self, words: Sequence[str], position: int) -> bool:
        """Whether the word at ``position`` follows a hypothesis word closely enough to be
        one (« si c'était un CDD ? » asks of today)."""
        return bool(self.hypothesis_words.intersection(words[max(0, position - self.hypothesis_window) : position]))


def build_verb_forms(
    data: Mapping[str, Any], index: frozenset[str], exceptions: Mapping[str, Sequence[str]]
) -> VerbForms:
    """The reader of the ``verb_forms`` word lists over spaCy's VERB tables."""
    return VerbForms(
        imperfect_endings=tuple(data["imperfect_endings"]),
        conditional_endings=tuple(data["conditional_endings"]),
        present_endings=tuple(data["present_endings"]),
        regular_infinitive=str(data["regular_infinitive"]),
        hypothesis_words=frozenset(data["hypothesis_words"]),
        hypothesis_window=int(data["hypothesis_window"]),
        present_verbs=frozenset(data["present_verbs"]),
        not_verbs=frozenset(data["not_verbs"]),
        verbs=frozenset(fold_accents(lemma) for lemma in index),
        forms={fold_accents(form): fold_accents(lemmas[0]) for form, lemmas in exceptions.items() if lemmas},
    )


@cache
def default_verb_forms() -> VerbForms:
    """The reader of the knowledge folder's word lists over the process's verb tables."""
    index, exceptions = verb_tables()
    return build_verb_forms(read_word_file(WORD_FILE)["verb_forms"], index, exceptions)
