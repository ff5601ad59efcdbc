"""The FAQ topics of ``knowledge/faq_topics.yml``: their one home.

Read by the `bot ask` parser (:mod:`bot.understanding.parse`: the patterns, in file order), by the
two-stage fallback (``actions/fallback.py``: which topics may be confirmed) and by the
answers (the rule topics each FAQ reads for the Pro-A and for the période de
reconversion). The Rasa retrieval intents ``faq/<id>`` have the same ids (checked by
tests/bot/test_faq_topics.py against data/nlu/faq.yml and domain.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from re import Pattern

import yaml

from bot.knowledge.loader import knowledge_dir, validate

FILE_NAME = "faq_topics.yml"
SCHEMA = "faq_topics.schema.json"


@dataclass(frozen=True)
class FaqTopic:
    """One FAQ topic."""

    id: str
    proa_rule_topics: tuple[str, ...]
    reconversion_rule_topics: tuple[str, ...]
    affirmable: bool
    patterns: tuple[Pattern[str], ...]


@dataclass(frozen=True)
class FaqTopics:
    """Every FAQ topic, in the order the parser tries them."""

    topics: tuple[FaqTopic, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    def rule_topics(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """``{id: (Pro-A rule topics, période de reconversion rule topics)}``."""
        return {t.id: (t.proa_rule_topics, t.reconversion_rule_topics) for t in self.topics}

    @property
    def affirmable(self) -> frozenset[str]:
        return frozenset(t.id for t in self.topics if t.affirmable)

    def find(self, folded: str) -> str | None:
        """The first topic whose pattern is in ``folded`` (lower case, no accents)."""
        for topic in self.topics:
            if any(p.search(folded) for p in topic.patterns):
                return topic.id
        return None


def load_faq_topics(root: Path | None = None) -> FaqTopics:
    """Read and validate ``knowledge/faq_topics.yml``."""
    root = root or knowledge_dir()
    path = root / FILE_NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(data, SCHEMA, path, root)
    return FaqTopics(
        tuple(
            FaqTopic(
                id=item["id"],
                proa_rule_topics=tuple(item["proa_rule_topics"]),
                reconversion_rule_topics=tuple(item["reconversion_rule_topics"]),
                affirmable=bool(item["affirmable"]),
                patterns=tuple(re.compile(p) for p in item["patterns"]),
            )
            for item in data["topics"]
        )
    )


@lru_cache(maxsize=1)
def default_faq_topics() -> FaqTopics:
    """The repository's FAQ topics (read once)."""
    return load_faq_topics()
