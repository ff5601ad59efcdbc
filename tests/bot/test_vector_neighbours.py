"""Issue 12: the task scorer's word-vector neighbours are computed once, when the index is
built, so that answering a message needs no spaCy vocabulary in memory."""

from __future__ import annotations

import numpy as np
import pytest

from bot.text import get_nlp
from bot.understanding.tasks import MIN_NEIGHBOUR_LENGTH, MIN_VECTOR_SIMILARITY, TaskScorer

ENTRIES = {
    "m/cariste": {"reviewed": True, "tasks": ["conduire un chariot"], "tools": ["chariot élévateur"]},
    "m/cuisinier": {"reviewed": True, "tasks": ["préparer les plats"], "workplaces": ["restaurant"]},
}


@pytest.fixture(scope="module")
def scorer() -> TaskScorer:
    return TaskScorer(ENTRIES, ENTRIES.keys(), get_nlp())


def _direct_nearest(scorer: TaskScorer, word: str) -> tuple[str, float] | None:
    """The nearest key by a matrix product on the loaded vectors (the former way)."""
    keys, matrix = scorer._key_vectors()
    vocab = get_nlp().vocab
    if len(word) < MIN_NEIGHBOUR_LENGTH or not vocab.has_vector(word):
        return None
    vector = vocab.get_vector(word)
    similarities = matrix @ (vector / np.linalg.norm(vector))
    best = int(np.argmax(similarities))
    return (keys[best], float(similarities[best])) if similarities[best] >= MIN_VECTOR_SIMILARITY else None


@pytest.mark.parametrize("word", ["chariots", "restaurants", "brasserie", "camion", "cuisiner", "ordinateur", "xyzzy"])
def test_table_gives_the_direct_nearest_key(scorer: TaskScorer, word: str) -> None:
    direct = _direct_nearest(scorer, word)
    found = scorer._nearest(word)
    if direct is None:
        assert found is None or found[1] == pytest.approx(MIN_VECTOR_SIMILARITY, abs=1e-3)
    else:
        assert found is not None and found[0] == direct[0] and found[1] == pytest.approx(direct[1], abs=1e-3)


def test_table_is_small_and_lower_case(scorer: TaskScorer) -> None:
    table = scorer._neighbours
    assert 0 < len(table) < 50_000
    assert all(word == word.lower() and len(word) >= MIN_NEIGHBOUR_LENGTH for word in table)
    assert all(similarity >= MIN_VECTOR_SIMILARITY for _, similarity in table.values())


def test_scoring_does_not_touch_spacy_after_the_build(scorer: TaskScorer) -> None:
    """A scorer read back from the index cache holds a LazyNlp: scoring must not load it."""

    from bot.text import LazyNlp

    class Forbidden(LazyNlp):
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"spaCy used at scoring time ({name})")

    from bot.lemmas import RuleLemmas
    from bot.text import use_lemma_tables

    use_lemma_tables(RuleLemmas.from_nlp(get_nlp()))
    try:
        scorer._nlp = Forbidden()
        scorer._keys_cache.clear()
        assert scorer.scores("je conduis des chariots au restaurant")
    finally:
        scorer._nlp = get_nlp()
        use_lemma_tables(None)
