"""Match what a person types as their job against a branch's list of métiers.

This module is the matcher's public face: the rest of the code imports
:class:`MetierMatcher`, :class:`MatchResult`, :class:`Candidate` and the statuses from
here. The work is done in :mod:`bot.metier_matching`, one module per job:

- :class:`MetierMatcher` is built once per branch. It indexes, as bags of canonical words
  (normalised, abbreviations expanded, lemmatised, stop words removed), every annex
  métier label, its parts and the label without its parenthesis, every variant of
  ``vocabulary.yml`` and every OIR "métier à enjeux" label and variant
  (:mod:`~bot.metier_matching.index`).
- A query is cut into the phrases that may name a job (:func:`bot.text.job_segments`);
  each word is mapped to a word of the index exactly, through its lemma or, for typos,
  by edit distance (:mod:`~bot.metier_matching.word_mapping`).
- An entry matches when *all* its words are in the phrase; those covering most of its
  weight win; generic words ("technicien", "agent", "chef"…) never decide a match alone,
  and a phrase that is only *part* of an entry is not matched
  (:mod:`~bot.metier_matching.segments`, :mod:`~bot.metier_matching.candidates`).
- A title that is the object of a verb (« j'encadre les caristes ») is not the person's
  job (:mod:`~bot.metier_matching.sentence_roles`).
- Several métiers for one title give ``ambiguous``, narrowed by the rest of the message
  (:mod:`~bot.metier_matching.narrowing`); an OIR "métier à enjeux" resolves to its
  annex métiers (``enjeux`` is set), or gives ``enjeux_without_certification``.
- No title: a description of tasks, else a near miss offered as « Vouliez-vous dire … ? »
  (:mod:`~bot.metier_matching.fallbacks`).

The French words the matcher reads are data: ``knowledge/lexicon/fr.yml`` (stop words,
generic and weak words) and ``knowledge/lexicon/job_statements.yml`` (the words around a
title in a sentence).
"""

from __future__ import annotations

from bot.metier_matching.fallbacks import MAX_SUGGESTIONS, SUGGESTION_CUTOFF
from bot.metier_matching.index import GENERIC_WORDS, INFORMATIVE_WEIGHT, STOP_WORDS, WEAK_WEIGHT, WEAK_WORDS
from bot.metier_matching.matcher import MetierMatcher
from bot.metier_matching.results import (
    SOURCE_TASKS,
    SOURCE_TITLE,
    STATUS_AMBIGUOUS,
    STATUS_EMPTY,
    STATUS_ENJEUX,
    STATUS_MATCHED,
    STATUS_NOT_IN_LIST,
    STATUS_SUGGESTION,
    Candidate,
    MatchResult,
)

__all__ = [
    "GENERIC_WORDS",
    "INFORMATIVE_WEIGHT",
    "MAX_SUGGESTIONS",
    "SOURCE_TASKS",
    "SOURCE_TITLE",
    "STATUS_AMBIGUOUS",
    "STATUS_EMPTY",
    "STATUS_ENJEUX",
    "STATUS_MATCHED",
    "STATUS_NOT_IN_LIST",
    "STATUS_SUGGESTION",
    "STOP_WORDS",
    "SUGGESTION_CUTOFF",
    "WEAK_WEIGHT",
    "WEAK_WORDS",
    "Candidate",
    "MatchResult",
    "MetierMatcher",
]
