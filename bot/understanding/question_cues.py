"""The cues the built-in parser reads in a message (``knowledge/lexicon/question_cues.yml``).

Whether a message asks for the next page, asks whether the person may have the scheme or
asks an open question, and what an amendment's number or a branch alias inside a contract
phrase look like, are French words: they live in the word file, checked by its JSON
Schema (:func:`bot.lexicon.read_word_file`, which honours ``PROA_KNOWLEDGE_DIR``), and are
compiled here once. Every pattern reads the folded message
(:func:`bot.understanding.text_values.fold`), punctuation kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.lexicon import read_word_file

#: The word file of :func:`question_cues` (``knowledge/lexicon/<name>.yml``).
WORD_FILE = "question_cues"


@dataclass(frozen=True)
class QuestionCues:
    """The compiled cues (see the word file for what each one is)."""

    #: « voir plus », « la suite »: the next page of a list.
    more: re.Pattern[str]
    #: « puis-je », « ai-je droit », « peut-il en bénéficier »: whether the person may.
    asks_eligibility: re.Pattern[str]
    #: « qui… », « quels… »: an open question, at the start of the message.
    open_start: re.Pattern[str]
    #: « je », « mon »: the person speaking of themself.
    first_person: re.Pattern[str]
    #: « avenant n° 7 »: an amendment to a branch agreement.
    amendment: re.Pattern[str]
    #: Words beside a branch alias that leave it naming the branch in a contract phrase.
    branch_in_contract: frozenset[str]


def _alternatives(patterns: Iterable[str]) -> str:
    """The patterns as one alternation, in file order."""
    return "|".join(patterns)


def _words(words: Iterable[str]) -> str:
    """The words or phrases as literal alternatives, in file order."""
    return "|".join(re.escape(word) for word in words)


@cache
def question_cues() -> QuestionCues:
    """The cues of the word file in use, validated by its schema and compiled (once)."""
    data = read_word_file(WORD_FILE)
    return QuestionCues(
        more=re.compile(_alternatives(rf"\b{re.escape(phrase)}\b" for phrase in data["more_phrases"])),
        asks_eligibility=re.compile(_alternatives(data["eligibility_patterns"])),
        open_start=re.compile(r"^\W*(?:" + _alternatives(data["open_question_starts"]) + r")\b"),
        first_person=re.compile(r"\b(?:" + _words(data["first_person_words"]) + r")\b"),
        amendment=re.compile(_alternatives(data["amendment_patterns"])),
        branch_in_contract=frozenset(data["branch_in_contract_words"]),
    )
