"""Which case of a condition a message states (« période interne », « externe »), for the
rules that answer one question differently per case (a rule's ``when``).

Words: ``knowledge/lexicon/rule_conditions.yml``, read like every word file
(:func:`bot.lexicon.read_word_file`, validated, ``PROA_KNOWLEDGE_DIR`` honoured).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from bot.lexicon import read_word_file
from bot.text import normalize
from bot.understanding.question_words import phrase_pattern

#: The word file (``knowledge/lexicon/<name>.yml``).
WORD_FILE = "rule_conditions"
#: The condition whose cases a rule's limits may not bind (its value ``exempt``: « la VAE »).
EXEMPT_CONDITION = "aim"


class RuleConditions:
    """Per condition, per case, the pattern of the words that state it."""

    def __init__(self, data: Mapping[str, Mapping[str, list[str]]]) -> None:
        self._cases: dict[str, dict[str, re.Pattern[str]]] = {
            condition: {case: phrase_pattern(words) for case, words in cases.items()}
            for condition, cases in data.items()
        }

    def cases(self, condition: str) -> tuple[str, ...]:
        """The cases of ``condition``, in the file's order (none for an unknown one)."""
        return tuple(self._cases.get(condition, {}))

    def stated(self, text: str, condition: str) -> str | None:
        """The case of ``condition`` that ``text`` states, when exactly one is."""
        normalised = normalize(text)
        found = [case for case, pattern in self._cases.get(condition, {}).items() if pattern.search(normalised)]
        return found[0] if len(found) == 1 else None

    def states_any(self, text: str, condition: str) -> bool:
        """Whether ``text`` states any case of ``condition`` (« interne ou externe ? » does)."""
        normalised = normalize(text)
        return any(pattern.search(normalised) for pattern in self._cases.get(condition, {}).values())


@cache
def default_rule_conditions() -> RuleConditions:
    """The conditions of the knowledge folder in use (read once)."""
    return RuleConditions(read_word_file(WORD_FILE))
