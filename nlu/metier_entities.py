"""Rasa graph component: the core's métier finder emits the ``metier`` entities.

The core knows the whole annex (labels, vocabulary, typos, task descriptions, OIR
métiers à enjeux). This component runs
:class:`bot.metier_finder.MetierFinder` over the whole message and emits
one ``metier`` entity per job named, so that ``/model/parse``, the slots and the actions
all see the core's result. Entities ``metier`` from other extractors are removed: they
no longer decide whether a job was named.

A job that is not in the annex (« je suis ambulancier ») is kept as a *refused* métier
(``candidates`` empty, ``metier_status`` ``not_in_list``), so that the answer says it is
not in the list instead of asking for the job again. The phrases proposed for it are
those the core's parser reads as naming a job (:func:`bot.understanding.parse.job_phrases`: after « je
suis », « en tant que », « pour un »…, or a short answer alone), plus any ``metier``
entity another extractor proposed inside such a phrase; the finder's verdicts decide.
Only messages whose intent is one of ``refusal_intents`` get refusals (a FAQ question
names no job).

Each entity has the usual ``start``, ``end``, ``value`` (the words as typed) and
``confidence_entity`` (0–1), plus:

- ``candidates``: ``{"<idcc>": [annex ids, best first]}`` for every branch that found it;
- ``metier_status``: ``{"<idcc>": "matched" | "ambiguous" | "suggestion" | …}``;
- ``primary``: True for the job the message is about. The primary entity is emitted last,
  so that a ``from_entity`` slot mapping (which keeps the last value) holds it.
"""

from __future__ import annotations

import threading
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, EXTRACTOR, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.metier_finder import FoundMetier, MetierFinder
from bot.profile import DEFAULT_IDCC
from bot.understanding.non_job import has_job_word
from bot.understanding.parse import job_phrases
from bot.understanding.question_words import default_question_words

ENTITY = "metier"

_FINDER_LOCK = threading.Lock()
_FINDER: MetierFinder | None = None


def default_finder() -> MetierFinder:
    """The process-wide finder on the repository's knowledge (built on first use)."""
    global _FINDER
    if _FINDER is None:
        with _FINDER_LOCK:
            if _FINDER is None:
                from bot.service import Assistant

                assistant = Assistant.default()
                finder = MetierFinder(assistant.kb, assistant.matcher, DEFAULT_IDCC)
                finder.warm_up()
                _FINDER = finder
    return _FINDER


def _inside(entity: dict[str, Any], spans: list[tuple[int, int]]) -> bool:
    """Whether the entity's span lies within one of ``spans``."""
    start, end = entity.get("start"), entity.get("end")
    return isinstance(start, int) and isinstance(end, int) and any(s <= start and end <= e for s, e in spans)


def entity_of(found: FoundMetier, extractor: str, default_idcc: int) -> dict[str, Any]:
    """The Rasa entity dict of one job found."""
    return {
        ENTITY_ATTRIBUTE_TYPE: ENTITY,
        "start": found.start,
        "end": found.end,
        "value": found.text,
        "confidence_entity": found.confidence(default_idcc),
        "candidates": {str(idcc): list(found.candidate_ids(idcc)) for idcc in found.results},
        "metier_status": {str(idcc): result.status for idcc, result in found.results.items()},
        "primary": found.primary,
        EXTRACTOR: extractor,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MetierEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Emits ``metier`` entities found by the core over the whole message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``warm_up``: build the matchers when the model loads (not on the first message);
        ``refusal_intents``: the intents whose messages may name a job not in the annex
        (a message without intent, as in tests, may too); ``short_answer_intents``: the
        intents of an answer to a question, where a short message alone may be the job
        (« ambulancier en CDI »); ``listing_intents``: the intents of a question asking for
        a list, where a weak cue introduces a job too (« des certifs pour un prothésiste ? »)."""
        return {
            "warm_up": True,
            "refusal_intents": ["inform", "ask_eligibility", "ask_certifications"],
            "short_answer_intents": ["inform"],
            "listing_intents": ["ask_certifications"],
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MetierEntityExtractor:
        """Create the component (the finder is shared by the process)."""
        return cls(config)

    def __init__(self, config: dict[str, Any], finder: MetierFinder | None = None) -> None:
        """``finder`` defaults to :func:`default_finder` (tests pass their own)."""
        self.component_config = config
        self._finder = finder
        if finder is None and config.get("warm_up", True):
            self._get_finder()

    def _get_finder(self) -> MetierFinder:
        if self._finder is None:
            self._finder = default_finder()
        return self._finder

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the ``metier`` entities of each message with the core's."""
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        entities = message.get(ENTITIES, [])
        others = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY]
        found: list[dict[str, Any]] = []
        if isinstance(text, str) and text and not text.startswith("/"):
            finder = self._get_finder()
            found = [entity_of(f, self.name, finder.default_idcc) for f in finder.find(text)]
            if self._may_refuse(message):
                short = self._intent_name(message) in self.component_config.get("short_answer_intents", ["inform"])
                # A job is refused only where the core reads one stated (« je suis
                # prothésiste »), as bot ask does (Assistant.resolve_metier): another
                # extractor's proposal alone (« c'est garanti pour chaque dossier ? ») is
                # no job; one inside a stated phrase keeps its narrower span.
                listing = self._intent_name(message) in self.component_config.get(
                    "listing_intents", ["ask_certifications"]
                ) or default_question_words().asks_a_list(text)
                stated = job_phrases(text, finder.kb, short_answer=short, stated=not listing)
                proposed = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == ENTITY and _inside(e, stated)]
                proposed += [{"start": s, "end": e} for s, e in stated]
                refused = self._refused_spans(text, proposed, found)
                found = refused + found  # the core's métiers stay last (the primary one last)
        message.set(ENTITIES, others + found, add_to_output=True)

    @staticmethod
    def _intent_name(message: Message) -> str | None:
        intent = message.get("intent") or {}
        return intent.get("name") if isinstance(intent, dict) else None

    def _may_refuse(self, message: Message) -> bool:
        """Whether the message's intent may name a job (no intent: yes)."""
        name = self._intent_name(message)
        allowed = self.component_config.get("refusal_intents", self.get_default_config()["refusal_intents"])
        return name is None or name in allowed

    def _refused_spans(
        self, text: str, proposed: list[dict[str, Any]], found: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Proposed job phrases where the core found no métier, kept with the core's
        verdict on them (« ambulancier »: not in the list), so that the answer says the job
        is not in the list instead of asking for it again. The finder decides; the
        proposals only say where a job not in the annex may have been named."""
        out: list[dict[str, Any]] = []
        finder = self._get_finder()
        for entity in proposed:
            start, end = entity.get("start"), entity.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
                continue
            if any(start < f["end"] and f["start"] < end for f in found + out):
                continue
            span = text[start:end]
            if not has_job_word(span):
                continue  # a number, a phone number, an e-mail: never a job (« 34 »)
            verdicts = finder.verdicts(span)
            if any(status != "not_in_list" for status in verdicts.values()):
                continue  # the core finds something there, or nothing job-like: not a refusal
            out.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: ENTITY,
                    "start": start,
                    "end": end,
                    "value": span,
                    "confidence_entity": 0.0,
                    "candidates": {},
                    "metier_status": {str(idcc): status for idcc, status in verdicts.items()},
                    "primary": not found,
                    EXTRACTOR: self.name,
                }
            )
        if len(out) > 1 and not found:
            for entity in out[:-1]:
                entity["primary"] = False
        return out
