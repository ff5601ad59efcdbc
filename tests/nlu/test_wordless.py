"""``nlu.wordless.WordlessMessageClassifier``: a message without a word is not understood."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.wordless import WordlessMessageClassifier, has_a_word


def _classified(text: str) -> str:
    message = Message.build(text=text)
    message.data["intent"] = {"name": "goodbye", "confidence": 0.41}
    message.data["intent_ranking"] = [{"name": "goodbye", "confidence": 0.41}]
    (message,) = WordlessMessageClassifier({}).process([message])
    assert message.get("intent_ranking")[-1]["name"] == "goodbye"  # the ranking is kept
    return str(message.get("intent")["name"])


@pytest.mark.parametrize("text", ["😀🎉👍🙏", "???", "...", " !! ", "👍"])
def test_no_word_is_not_understood(text: str) -> None:
    assert not has_a_word(text)
    assert _classified(text) == "nlu_fallback"


@pytest.mark.parametrize("text", ["merci 👍", "ok", "3", "é", "au revoir 😀", "/greet"])
def test_a_word_keeps_the_intent(text: str) -> None:
    assert _classified(text) == "goodbye"
