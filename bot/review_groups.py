"""Failed turns grouped by the similarity of their masked text (rapidfuzz), and the
result of a review: the groups and the counts per day.

Part of :mod:`bot.review` (which re-exports every name). Nothing personal leaves this
module: :func:`anonymise` masks e-mail addresses, phone numbers, then every digit,
before messages are grouped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process

from bot import wording
from bot.outcomes import REVIEW_OUTCOMES
from bot.review_turns import Turn

#: Two masked messages at least this similar (rapidfuzz ``token_set_ratio``, 0–100) group.
GROUP_SIMILARITY = 85.0

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French and international numbers: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0612345678.
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?\d(?:[\s.\-/]?\(?\d\)?){7,14}(?!\w)")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def anonymise(text: str) -> str:
    """The message with e-mail addresses, phone numbers and digits masked."""
    text = _EMAIL.sub(wording.text("review", "masks.email"), text)
    text = _PHONE.sub(wording.text("review", "masks.phone"), text)
    text = _DIGIT.sub("#", text)
    return _SPACES.sub(" ", text).strip()


@dataclass
class Group:
    """Similar failed messages."""

    text: str
    last_seen: float
    count: int = 0
    variants: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    readings: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    #: The comments typed after « Non », anonymised like the messages.
    comments: list[str] = field(default_factory=list)

    def add(self, turn: Turn, text: str) -> None:
        self.count += 1
        self.last_seen = max(self.last_seen, turn.timestamp)
        if text not in self.variants:
            self.variants.append(text)
        self.outcomes.update(o for o in REVIEW_OUTCOMES if o in turn.outcomes)
        if turn.channel:
            self.channels[turn.channel] += 1
        if turn.intent:
            self.intents[turn.intent] += 1
        if turn.reading:
            self.readings[turn.reading] += 1
        if turn.topic:
            self.topics[turn.topic] += 1
        self.rules.update(turn.rules)
        self.comments += [anonymise(comment) for comment in turn.comments]


def _key(text: str) -> str:
    return text.lower().strip(" ?!.…")


def group_turns(turns: Iterable[Turn], similarity: float = GROUP_SIMILARITY) -> list[Group]:
    """Group failed turns by the similarity of their masked text, newest group first."""
    ordered = sorted(turns, key=lambda t: t.timestamp, reverse=True)
    groups: list[Group] = []
    keys: list[str] = []
    exact: dict[str, int] = {}
    for turn in ordered:
        text = anonymise(turn.text)
        key = _key(text)
        index = exact.get(key)
        if index is None and keys:
            match = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=similarity)
            index = match[2] if match else None
        if index is None:
            index = len(groups)
            groups.append(Group(text=text, last_seen=turn.timestamp))
            keys.append(key)
        exact[key] = index
        groups[index].add(turn, text)
    return sorted(groups, key=lambda g: g.last_seen, reverse=True)


#: The counts of a day (:attr:`Review.per_day`): every message, the messages to review,
#: then one count per outcome.
MESSAGES, TO_REVIEW = "messages", "to_review"


@dataclass(frozen=True)
class Review:
    since: datetime
    until: datetime
    groups: list[Group]
    messages: int
    turns: int
    #: ``AAAA-MM-JJ`` (UTC) -> counts: :data:`MESSAGES`, :data:`TO_REVIEW` and each outcome
    #: of the messages to review; oldest day first.
    per_day: dict[str, Counter[str]] = field(default_factory=dict)
