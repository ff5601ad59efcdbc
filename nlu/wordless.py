"""Rasa graph component: a message without a single word is not understood.

« 😀🎉👍🙏 », « ??? », « ... » carry no word the classifiers were trained on: whatever
intent they get from character n-grams is chance (a model once answered « Au revoir » to
four emoji). Such a message gets ``nlu_fallback``, so that the assistant asks the person
to say it in words; the classifiers' ranking is kept after it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.intents import IntentOverride, put_intent_first

#: A letter or a digit of any script: a message with none of them has no word.
_WORD_CHARACTER = re.compile(r"[^\W_]")


def has_a_word(text: str) -> bool:
    """Whether ``text`` has at least one letter or digit."""
    return bool(_WORD_CHARACTER.search(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class WordlessMessageClassifier(IntentOverride):
    """Gives ``nlu_fallback`` to the messages that have no word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    def _process_message(self, message: Message) -> None:
        """``nlu_fallback`` on a message without a word (not on a button payload)."""
        text = message.get(TEXT)
        if isinstance(text, str) and not text.startswith("/") and not has_a_word(text):
            put_intent_first(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0)
