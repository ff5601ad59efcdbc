"""Rasa graph component: a message that states the person's job is an ``inform``.

The intent classifier learns from a few hundred examples; a job described by its tasks
(« je pose la fibre chez les particuliers », « je fais les bulletins de salaire ») or a
job title alone often looks to it like a FAQ, a « voir plus », « au revoir » or nothing
it knows, although the core's métier finder (:mod:`nlu.metier_entities`, earlier in the
pipeline) found the job in it. Answering such a message with a FAQ paragraph or « je
n'ai pas compris » loses what the core knows.

This component runs after the classifiers (and after ``FallbackClassifier``). When the
message has a primary ``metier`` entity that the core found in the annex (matched,
ambiguous, a near miss or a métier à enjeux) and the predicted intent is one of
``overridable_intents``, the intent becomes ``inform`` — unless the words outside the job's
span ask something: a « ? », a question word (``question_words`` of
``knowledge/lexicon/fr.yml``) or a FAQ topic of ``knowledge/faq_topics.yml`` (« je suis
cariste, qui paie la formation ? » stays a FAQ, and so does « la Pro-A est ouverte à quels
contrats ? », whatever job the task scorer sees in it). The predicted intent stays in
the ranking.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.lexicon import lexicon_words
from bot.metier_finder import FOUND_STATUSES
from bot.understanding.faq_topics import default_faq_topics
from bot.understanding.parse import fold
from nlu.intents import IntentOverride, put_intent_first

#: The intent a job statement gets.
INFORM = "inform"


def job_span(message: Message) -> tuple[int, int] | None:
    """The span of the primary ``metier`` entity the core found in the annex, if any."""
    for entity in message.get(ENTITIES, []) or []:
        if entity.get(ENTITY_ATTRIBUTE_TYPE) != "metier" or not entity.get("primary"):
            continue
        statuses = entity.get("metier_status") or {}
        if any(status in FOUND_STATUSES for status in statuses.values()):
            start, end = entity.get("start"), entity.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                return start, end
    return None


def asks_something(text: str, span: tuple[int, int]) -> bool:
    """Whether the words of ``text`` outside the job's ``span`` ask something: a « ? », a
    question word of the lexicon (``question_words``), or a FAQ topic."""
    rest = fold(text[: span[0]] + " " + text[span[1] :])
    if "?" in rest or set(re.findall(r"[\w'-]+", rest)) & lexicon_words("question_words"):
        return True
    return default_faq_topics().find(rest) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class JobStatementClassifier(IntentOverride):
    """Turns the intent of a message that states an annex job into ``inform``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``overridable_intents``: intents a job statement may be mistaken for."""
        return {
            "overridable_intents": [
                "faq",
                "out_of_scope",
                "nlu_fallback",
                "show_more",
                "help",
                "goodbye",
                "greet",
                "thank",
                "bot_challenge",
                "affirm",
                "deny",
            ]
        }

    def _process_message(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        text = message.get(TEXT)
        if name not in self._overridable or not isinstance(text, str) or text.startswith("/"):
            return
        span = job_span(message)
        if span is None or asks_something(text, span):
            return
        put_intent_first(message, INFORM, max(float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0), 0.5))
