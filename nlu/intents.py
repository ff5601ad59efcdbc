"""Helpers shared by the project's intent components (nlu/job_statement.py, nlu/wordless.py,
nlu/rule_questions.py)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


class IntentOverride(GraphComponent, IntentClassifier):
    """A component after the classifiers that may replace the intent of a message, one of
    ``overridable_intents`` (its config); subclasses say when, message by message."""

    @classmethod
    def required_components(cls) -> list[type]:
        """An intent classifier runs before (its intent is what may be replaced)."""
        return [IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        """Create the component."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        """Read the intents that may be replaced."""
        self.component_config = config
        self._overridable = frozenset(config.get("overridable_intents") or ())

    def process(self, messages: list[Message]) -> list[Message]:
        """Look at each message (:meth:`_process_message`)."""
        for message in messages:
            self._process_message(message)
        return messages

    @abstractmethod
    def _process_message(self, message: Message) -> None:
        """Replace the intent of one message, or not."""


def put_intent_first(message: Message, name: str, confidence: float) -> None:
    """Make ``name`` the message's intent, first in its ranking; the classifiers' other
    guesses stay after it (an earlier entry of ``name`` itself is dropped)."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [r for r in message.data.get(INTENT_RANKING_KEY, []) or [] if r.get(INTENT_NAME_KEY) != name]
    message.data[INTENT] = intent
    message.data[INTENT_RANKING_KEY] = [intent, *ranking]
