"""What a question says of time and scheme: the regime it is about.

A question may name its scheme (« la Pro-A », « la période de reconversion »), put itself
in the past (« l'an dernier », « en 2025 », « pouvait-il ») and carry dates with a role:
the day the avenant to the employment contract was concluded, the day the training
starts. The transition between the two schemes is decided by the first only (loi
n° 2025-989, art. 11 III): an avenant concluded before 1 January 2026 is a Pro-A even when
the training starts later. Words: ``knowledge/lexicon/questions.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.parse import AVENANT, START, dated_facts
from bot.text import normalize
from bot.understanding.question_words import QuestionWords, default_question_words

__all__ = ["AVENANT", "PROA", "RECONVERSION", "START", "Reading", "dated_facts", "read_question"]

#: Marks that end a clause (a dated clause is blanked from the last one before its date).
CLAUSE_BREAKS = (",", ";", ":", ".", "?", "!", "\n")
#: Schemes a question may name.
PROA, RECONVERSION = "proa", "reconversion"


@dataclass(frozen=True)
class Reading:
    """The time and scheme of a question (None: not said)."""

    scheme: str | None = None  # "proa" | "reconversion", when the question names one only
    past: bool = False  # put in the past by a tense or time words
    as_of: date | None = None  # the day a past question is about, when it names one
    avenant_on: date | None = None  # the day the avenant was concluded
    start_on: date | None = None  # the day the training starts
    #: The question without its dated clauses (« avenant conclu le 12 janvier 2026, »): what
    #: is asked, for the rule finder (the dates are read here).
    asked: str | None = None
    #: Starts as a follow-up that changes one thing (« et en SDLM ? », « et pour un jeune ? »).
    follow_up: bool = False


def read_question(text: str, today: date, words: QuestionWords | None = None) -> Reading:
    """The :class:`Reading` of one message, for a question asked on ``today``."""
    words = words or default_question_words()
    folded = words.join(normalize(text))
    schemes = [name for name, pattern in words.scheme_patterns.items() if pattern.search(folded)]
    avenant_on = start_on = as_of = None
    asked = list(text)
    for fact, day, role in dated_facts(text, words):
        if role is not None:  # blank the clause that dates: from its last break to the date
            begin = max((text.rfind(mark, 0, fact.start) for mark in CLAUSE_BREAKS), default=-1) + 1
            asked[begin : fact.end] = " " * (fact.end - begin)
        if role == AVENANT and avenant_on is None:
            avenant_on = day
        elif role == START and start_on is None:
            start_on = day
        elif role is None and day < today and as_of is None:
            as_of = day
    past = bool(words.past_cue.search(folded)) or as_of is not None
    return Reading(
        scheme=schemes[0] if len(schemes) == 1 else None,
        past=past,
        as_of=as_of,
        avenant_on=avenant_on,
        start_on=start_on,
        asked="".join(asked),
        follow_up=bool(words.follow_up_cue.search(folded)),
    )
