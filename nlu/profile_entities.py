"""Rasa graph component: the profile facts the core's parser reads, as entities.

The diplomas (roles ``held`` / ``target``), levels (same roles), ages, dates and branches
of a message are found by :func:`bot.understanding.parse.find_facts`, the parser ``bot ask`` uses,
from the words of ``knowledge/lexicon/profile_words.yml`` and the branch aliases of the
knowledge base. This replaces the CRF model (``CRFEntityExtractor``), which learned them
from a few hundred examples and cost ~10 ms of CPU per message: the assistant and
``bot ask`` now read a message the same way.

Each entity has ``start`` / ``end`` (the words as typed), ``value`` (a diploma code of
``knowledge/diplomas.yml``, a level ``"5"``, an age ``"34"``, an IDCC ``"1404"``, or a
date as typed, which the slot validation reads with :func:`bot.understanding.parse.parse_date`),
``role`` for diplomas and levels, and ``confidence_entity`` 1.0. Entities of these types
from other extractors are replaced. A branch alias inside a métier's words (« agent
d'espaces verts ») is no branch: the component runs after the métier extractor and
skips those.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.models import KnowledgeBase
from bot.understanding.parse import AGE, BRANCH, DATE, DIPLOMA, LEVEL, Fact, find_facts
from bot.understanding.question_reading import AVENANT, dated_facts

#: The entity types this component emits.
ENTITY_TYPES: frozenset[str] = frozenset({DIPLOMA, LEVEL, AGE, DATE, BRANCH})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ProfileEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Emits the diploma, level, age, date and branch entities of the core's parser."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No option."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProfileEntityExtractor:
        """Create the component (the knowledge base is the process's)."""
        return cls(config)

    def __init__(self, config: dict[str, Any], kb: KnowledgeBase | None = None) -> None:
        """``kb`` defaults to the repository's knowledge base (tests pass their own)."""
        self.component_config = config
        if kb is None:
            from bot.knowledge.loader import load_knowledge

            kb = load_knowledge()
        self._kb = kb

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace each message's profile entities with the parser's."""
        for message in messages:
            text = message.get(TEXT)
            entities = message.get(ENTITIES, [])
            others = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in ENTITY_TYPES]
            found: list[dict[str, Any]] = []
            if isinstance(text, str) and text and not text.startswith("/"):
                metiers = [
                    (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
                    for e in others
                    if e.get(ENTITY_ATTRIBUTE_TYPE) == "metier"
                    and isinstance(e.get(ENTITY_ATTRIBUTE_START), int)
                    and isinstance(e.get(ENTITY_ATTRIBUTE_END), int)
                ]
                # A date is the avenant's only when its words say so (« avenant conclu le … »),
                # never the training's start (« début des cours en février 2026 »).
                avenant_dates = {(f.start, f.end) for f, _, role in dated_facts(text) if role == AVENANT}
                found = [
                    self._entity(fact)
                    for fact in find_facts(text, self._kb)
                    if (fact.entity != BRANCH or not any(fact.start < e and s < fact.end for s, e in metiers))
                    and (fact.entity != DATE or (fact.start, fact.end) in avenant_dates)
                ]
            elif not isinstance(text, str) or text.startswith("/"):
                others = entities  # button payloads carry their own entities
            message.set(ENTITIES, others + found, add_to_output=True)
        return messages

    def _entity(self, fact: Fact) -> dict[str, Any]:
        entity: dict[str, Any] = {
            ENTITY_ATTRIBUTE_TYPE: fact.entity,
            ENTITY_ATTRIBUTE_START: fact.start,
            ENTITY_ATTRIBUTE_END: fact.end,
            ENTITY_ATTRIBUTE_VALUE: fact.value,
            "confidence_entity": 1.0,
            EXTRACTOR: self.name,
        }
        if fact.role is not None:
            entity[ENTITY_ATTRIBUTE_ROLE] = fact.role
        return entity
