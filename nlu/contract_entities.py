"""Rasa graph component: the contract named in a message, from ``knowledge/contracts.yml``.

The core's contract vocabulary (:mod:`bot.contracts`) knows every code the
rules read (CUI en CDI or en CDD, apprentissage, professionnalisation, permanent staff of
an agency, « CDI chez Adecco »…). When it finds a contract in the message, it emits the
``contract`` entity with the code as value and drops the ``contract`` entities of other
extractors; when it finds none, the others are kept (the CRF may still read a spelling
the vocabulary lacks).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, EXTRACTOR, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.contracts import ContractVocabulary, default_contracts

ENTITY = "contract"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ContractEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Emits the ``contract`` entity the core's vocabulary finds."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ContractEntityExtractor:
        return cls(config)

    def __init__(self, config: dict[str, Any], vocabulary: ContractVocabulary | None = None) -> None:
        self.component_config = config
        self._vocabulary = vocabulary or default_contracts()

    def process(self, messages: list[Message]) -> list[Message]:
        """Set each message's ``contract`` entity from the vocabulary when it finds one."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text or text.startswith("/"):
                continue
            hit = self._vocabulary.find(text)
            if hit is None:
                continue
            others = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY]
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY,
                "start": hit.start,
                "end": hit.end,
                "value": hit.code,
                "confidence_entity": 1.0,
                EXTRACTOR: self.name,
            }
            message.set(ENTITIES, [*others, entity], add_to_output=True)
        return messages
