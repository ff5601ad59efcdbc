"""What a date of a question is the date of: the avenant, the training's start, an agreement.

« mon avenant a été signé le 3 mars 2025 » dates the person's avenant, « la formation
commence en mai » its start, « l'accord du 18 septembre 2020 » a branch agreement. The
cue words of each role are data (``knowledge/lexicon/questions.yml``, ``date_roles``);
the nearest cue before a date gives its role. An amendment with a number (« l'avenant
n° 7 du 26 novembre 2024 », ``knowledge/lexicon/question_cues.yml``) dates an agreement's
text, never the person's avenant.
"""

from __future__ import annotations

import re

from bot.understanding.question_cues import question_cues
from bot.understanding.question_words import QuestionWords

#: Roles of a date in a question (``knowledge/lexicon/questions.yml``, ``date_roles``).
AVENANT, START, AGREEMENT = "avenant", "start", "agreement"
#: How far before a date (characters of the text) its role cue is read.
ROLE_WINDOW = 48

#: « avenant n° 7 », « avenant 1 »: an amendment to a branch agreement, not the avenant to
#: the person's employment contract (its date says nothing of the person's Pro-A).
AMENDMENT: re.Pattern[str] = question_cues().amendment


def date_role(before: str, words: QuestionWords) -> tuple[str, int] | None:
    """The role whose cue stands nearest before a date (in ``before``, normalised), and
    where that cue starts; an avenant with a number (« avenant n° 7 ») is an agreement's."""
    best: tuple[int, int, str] | None = None
    for role, pattern in words.role_patterns.items():
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), match.start(), role)
    if best is None:
        return None
    if best[2] == AVENANT and AMENDMENT.search(before[best[1] :]):
        return AGREEMENT, best[1]  # « l'avenant n° 7 du 26 novembre 2024 » dates an agreement's text
    return best[2], best[1]
