"""Rasa graph component: a message without a single word is not understood.

« 😀🎉👍🙏 », « ??? », « ... » carry no word the classifiers were trained on: whatever
intent they get from character n-grams is chance (a model once answered « Au revoir » to
four emoji). Such a message gets ``nlu_fallback``, so that the assistant asks the person
to say it in words; the classifiers' ranking is kept after it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.intents import put_intent_first

#: A letter or a digit of any script: a message with none of them has no word.
_WORD_CHARACTER = re.compile(r"[^\W_]")


def has_a_word(text: str) -> bool:
    """Whether ``text`` has at least one letter or digit."""
    return bool(_WORD_CHARACTER.search(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class WordlessMessageClassifier(GraphComponent, IntentClassifier):
    """Gives ``nlu_fallback`` to the messages that have no word."""

    @classmethod
    def required_components(cls) -> list[type]:
        """An intent classifier runs before (its intent is what is replaced)."""
        return [IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordlessMessageClassifier:
        """Create the component."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        """No options."""
        self.component_config = config

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``nlu_fallback`` on the messages without a word (not on button payloads)."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/") or has_a_word(text):
                continue
            put_intent_first(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0)
        return messages
