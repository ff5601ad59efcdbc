"""The process's one spaCy pipeline (bot/spacy_pipeline.py): what it loads, and that the
frozenset lemma index changes no lemma."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.lang.fr.lemmatizer import FrenchLemmatizer
from spacy.lookups import Lookups
from spacy.tokens import Doc

from bot.knowledge.loader import load_knowledge
from bot.spacy_pipeline import EXCLUDED_PIPES, loaded_pipelines, shared_pipeline, speed_up_lemma_index
from bot.text import get_nlp, tokenize

#: Parts of speech the rule lemmatizer reads its tables for (and the core's NOUN, VERB).
POS = ("NOUN", "VERB", "ADJ", "ADV", "ADP", "AUX", "CCONJ", "DET", "PRON", "SCONJ")


@pytest.fixture(scope="module")
def nlp() -> Any:
    return shared_pipeline()


@pytest.fixture(scope="module")
def reference(nlp: Any) -> FrenchLemmatizer:
    """spaCy's own lemmatizer on the model's tables as shipped (lists, not frozensets)."""
    lookups = Lookups().from_disk(nlp._path / "lemmatizer" / "lookups")
    assert isinstance(lookups.get_table("lemma_index")["noun"], list)
    lemmatizer = FrenchLemmatizer(nlp.vocab, None, "reference", mode="rule")
    lemmatizer.lookups = lookups
    return lemmatizer


def test_one_pipeline_per_process(nlp: Any) -> None:
    assert shared_pipeline() is nlp is get_nlp()
    assert loaded_pipelines() == ("fr_core_news_md",)
    assert not set(EXCLUDED_PIPES) & set(nlp.pipe_names)
    assert {"tok2vec", "morphologizer", "lemmatizer"} <= set(nlp.pipe_names)
    assert nlp.vocab.vectors.shape[1] == 300  # the task scorer's word vectors


def test_lemma_index_is_frozensets(nlp: Any) -> None:
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(table[key], frozenset) for key in table)
    speed_up_lemma_index(nlp)  # idempotent
    assert all(isinstance(table[key], frozenset) for key in table)


def _words(reference: FrenchLemmatizer) -> list[str]:
    """Words of the knowledge (métier labels and vocabulary), inflected forms of them,
    and a sample of every part of speech's index and exceptions, with inflections the
    suffix rules read."""
    kb = load_knowledge()
    words: set[str] = set()
    for branch in kb.branches.values():
        for metier in branch.metiers:
            words.update(tokenize(metier.label))
    index = reference.lookups.get_table("lemma_index")
    exceptions = reference.lookups.get_table("lemma_exc")
    for pos in POS:
        key = pos.lower()
        words.update(list(index.get(key, []))[::997])
        words.update(list(dict(exceptions.get(key, {})))[::97])
    inflected = {w + end for w in sorted(words)[::7] for end in ("s", "e", "ent", "ée")}
    return sorted(words | inflected)


def test_frozensets_change_no_lemma(nlp: Any, reference: FrenchLemmatizer) -> None:
    ours = nlp.get_pipe("lemmatizer")
    words = _words(reference)
    assert len(words) > 1000
    differ = []
    for pos in POS:
        for word in words:
            mine, theirs = Doc(nlp.vocab, words=[word]), Doc(nlp.vocab, words=[word])
            mine[0].pos_ = theirs[0].pos_ = pos
            if ours(mine)[0].lemma_ != reference(theirs)[0].lemma_:
                differ.append((word, pos))
    assert differ == []
