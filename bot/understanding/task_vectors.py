"""Word-vector neighbours of the task scorer's keys, computed once when the index is built.

A message word that no métier has may still be close to one of their words by
``fr_core_news_md`` word vectors (« hôpitaux » and « clinique »). The table of such
neighbours is computed once, when the index is built (the index cache keeps it): a few
thousand words out of the model's 500,000, so that answering a message needs neither
spaCy's vocabulary (about 400 MB in memory) nor a matrix product per unknown word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Least cosine similarity of word vectors to take a word for a key it is not.
MIN_VECTOR_SIMILARITY = 0.72
#: Shortest word given a vector neighbour (shorter words are too often other things).
MIN_NEIGHBOUR_LENGTH = 4


def key_vectors(nlp: Any, surfaces: Mapping[str, str]) -> tuple[list[str], Any]:
    """The keys of ``surfaces`` (key → a word written with it) that have a word vector,
    and the matrix of their unit vectors."""
    import numpy

    keys: list[str] = []
    rows: list[Any] = []
    vocab = nlp.vocab
    for key, surface in surfaces.items():
        if key in keys or not vocab.has_vector(surface):
            continue
        vector = vocab.get_vector(surface)
        norm = float(numpy.linalg.norm(vector))
        if norm > 0:
            keys.append(key)
            rows.append(vector / norm)
    matrix = numpy.vstack(rows) if rows else numpy.zeros((0, 300), dtype="float32")
    return keys, matrix


def vector_neighbours(nlp: Any, surfaces: Mapping[str, str]) -> dict[str, tuple[str, float]]:
    """``{word: (nearest key, cosine similarity)}`` for every lower-case word of the
    model's vectors (:data:`MIN_NEIGHBOUR_LENGTH` letters or more) whose nearest key of
    ``surfaces`` is at least :data:`MIN_VECTOR_SIMILARITY` close.

    The model's 500,000 words share 20,000 vectors: each vector's nearest key is computed
    once, then given to the words that have that vector."""
    import numpy

    keys, matrix = key_vectors(nlp, surfaces)
    vectors = nlp.vocab.vectors
    if not keys or vectors.shape[0] == 0:
        return {}
    data = numpy.asarray(vectors.data, dtype="float32")
    norms = numpy.linalg.norm(data, axis=1, keepdims=True)
    unit = numpy.divide(data, norms, out=numpy.zeros_like(data), where=norms > 0)
    similarities = unit @ matrix.T
    best = similarities.argmax(axis=1)
    best_similarity = similarities[numpy.arange(len(best)), best]
    close_rows = set(numpy.nonzero(best_similarity >= MIN_VECTOR_SIMILARITY)[0].tolist())
    strings = nlp.vocab.strings
    out: dict[str, tuple[str, float]] = {}
    for string_id, row in vectors.key2row.items():
        if row not in close_rows:
            continue
        word = strings[string_id]
        if len(word) >= MIN_NEIGHBOUR_LENGTH and word == word.lower():
            out[word] = (keys[int(best[row])], round(float(best_similarity[row]), 4))
    return out
