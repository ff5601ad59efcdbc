"""The words of a message or a task phrase, as the task scorer reads them.

Which words never describe what a person does (pronouns, determiners, common verbs, the
assistant's own subject, job heads…), which are left out when a message is compared with
a whole task phrase, and which start a sentence about oneself: French data, read once
from ``knowledge/lexicon/task_words.yml`` (schema ``task_words.schema.json``). The
pronouns and determiners are written there once and joined here into the three sets the
scorer uses.
"""

from __future__ import annotations

import re

from bot.lexicon import read_word_file

_WORDS = read_word_file("task_words")
_PRONOUNS = frozenset(_WORDS["personal_pronouns"])
_DETERMINERS = frozenset(_WORDS["determiners"])

#: Words of a chat message that never describe a job (framing, the assistant's own
#: subject, very common verbs). Accent folded.
NOT_TASK_WORDS: frozenset[str] = _PRONOUNS | _DETERMINERS | frozenset().union(*_WORDS["never_task_words"].values())
#: Pronouns and determiners, left out when a message is compared with a whole task phrase.
GLUE_WORDS: frozenset[str] = _PRONOUNS | _DETERMINERS
#: First words of a sentence about oneself (« je fais la paie », not « pilote de ligne »).
SUBJECTS: frozenset[str] = frozenset(_WORDS["sentence_subjects"])

#: A word: letters only (digits and apostrophes split words).
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def phrase_words(phrase: str) -> list[str]:
    """Lower-case words (with accents) of a knowledge phrase, apostrophes split."""
    return [w for w in WORD_RE.findall(phrase.lower()) if len(w) >= 2]
