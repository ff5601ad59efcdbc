"""Rasa graph component: the rules a message asks about, from the core's rule finder.

Beside the métier component, this one runs the core's rule finder
(:meth:`bot.service.Assistant.search_rules`) on every typed message and adds the ranking
to the parse data as ``proa_rules`` (``[{"id", "score"}]``, best first, with the reading
of the question: regime, avenant and start dates), so that ``/model/parse``, the tracker
and the actions see it.

It also decides, after the classifiers, that a message asking a rule is a ``faq``: when the
finder is sure of the rule (no close reading) and the message either states nothing of
the person that an eligibility answer reads (no contract, diploma, level, age or job
entity) or asks a rule the rules engine does not decide for a person
(:meth:`bot.understanding.rule_search.RuleSearch.answers_over`), whatever intent DIET gave
it (« pendant ma Pro-A, quelqu'un doit me suivre ? » is not a question on eligibility). A
FAQ stays a FAQ.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.profile import Profile
from bot.understanding.parse import asks_eligibility
from nlu.intents import IntentOverride, put_intent_first
from nlu.job_statement import job_span

#: The parse data key of the ranking.
RULES_KEY = "proa_rules"
#: The intent a sure rule question gets.
FAQ = "faq"
#: The intent of a message no classifier is sure of.
FALLBACK = "nlu_fallback"
#: Intents that, with a job named, are questions on that job (its list, its eligibility).
METIER_INTENTS = frozenset({"ask_certifications", "ask_eligibility", "inform"})
#: How many rules the parse data carries.
RANKING_SIZE = 5


#: Entities that state the person's situation (the eligibility answer's input).
SITUATION_ENTITIES = frozenset({"contract", "diploma", "level", "age"})


def aims_at_something(message: Message) -> bool:
    """Whether the message names a diploma or level the person aims at."""
    return any(
        e.get(ENTITY_ATTRIBUTE_TYPE) in ("diploma", "level") and e.get("role") == "target"
        for e in message.get(ENTITIES, []) or []
    )


def states_a_situation(message: Message) -> bool:
    """Whether the message names something of the person: a contract, diploma, level, age
    or a job of the list."""
    entities = message.get(ENTITIES, []) or []
    return job_span(message) is not None or any(e.get(ENTITY_ATTRIBUTE_TYPE) in SITUATION_ENTITIES for e in entities)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RuleQuestionClassifier(IntentOverride):
    """Adds the rule ranking; a sure rule question without a situation is a ``faq``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``overridable_intents``: intents a rule question may be mistaken for."""
        return {
            "overridable_intents": ["ask_eligibility", "nlu_fallback"],
            # The finder's score from which it overrides the classifier (on the cosine
            # scale of bot/understanding/rule_finder.py; held-out intent F1 checked in CI).
            "override_from": 0.3,
        }

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip() or text.startswith("/"):
            return
        from bot.service import Assistant

        span = job_span(message)
        asked = text if span is None else text[: span[0]] + " " + text[span[1] :]
        assistant = Assistant.default()
        search = assistant.search_rules(asked, Profile())
        intent = message.get(INTENT) or {}
        override_from = float(self.component_config.get("override_from", 0.3))
        if intent.get(INTENT_NAME_KEY) == FALLBACK:
            # A message no classifier is sure of may ask a rule of another branch than the
            # default one (the NLU does not know the conversation's): « l'avenant 7 de la
            # convention, il a changé quoi ? » is the SDLM's.
            searches = [assistant.search_rules(asked, Profile(idcc=idcc)) for idcc in sorted(assistant.kb.branches)]
            search = max([search, *searches], key=lambda found: found.best.score if found.best else 0.0)
        message.set(
            RULES_KEY,
            {
                "ranking": [{"id": h.rule.id, "score": round(h.score, 4)} for h in search.hits[:RANKING_SIZE]],
                "sure": search.sure,
                "regime": search.regime,
            },
            add_to_output=True,
        )
        name = intent.get(INTENT_NAME_KEY)
        if span is not None and name in METIER_INTENTS:
            return  # a job with « quelles formations ? » or « puis-je ? » stays a métier question
        sure_enough = search.best is not None and search.best.score >= override_from
        if name == "ask_eligibility" and asks_eligibility(text):
            return  # « puis-je faire une Pro-A ? »: the rules engine's question, asked for a person
        if (
            name in self._overridable
            and sure_enough
            and search.answers_over(states_a_situation(message), span is not None, aims_at_something(message))
        ):
            put_intent_first(message, FAQ, max(search.best.score if search.best else 0.0, 0.5))
