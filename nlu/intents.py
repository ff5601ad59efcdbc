"""Helpers shared by the project's intent components (nlu/job_statement.py, nlu/wordless.py)."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def put_intent_first(message: Message, name: str, confidence: float) -> None:
    """Make ``name`` the message's intent, first in its ranking; the classifiers' other
    guesses stay after it (an earlier entry of ``name`` itself is dropped)."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [r for r in message.data.get(INTENT_RANKING_KEY, []) or [] if r.get(INTENT_NAME_KEY) != name]
    message.data[INTENT] = intent
    message.data[INTENT_RANKING_KEY] = [intent, *ranking]
