"""Values as people type them: folded text, dates and whole numbers.

The parser's patterns read a folded message (lower case, no accents, one apostrophe) and
give spans of the text as typed, so folding keeps track of where each character came from
(:func:`fold_with_offsets`). Dates (« 20/12/2025 », « décembre 2025 ») and numbers
(« 23 ans ») are read the same way by the parser and by the slot checks of the actions;
the month names are data (``knowledge/lexicon/profile_words.yml``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.profile_words import profile_words
from bot.text import fold_accents

#: ``20/12/2025``, ``20.12.25``, ``20-12-2025``.
NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
#: ``2025-12-20``.
ISO_DATE = re.compile(r"(?<![\d.])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def fold(text: str) -> str:
    """Lower case without accents, apostrophes unified (keeps punctuation, unlike
    :func:`bot.text.normalize`, because the patterns here read it)."""
    return fold_accents(text.lower().replace("’", "'"))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold` of ``text`` and, for each folded character, the index of the
    character of ``text`` it comes from (plus ``len(text)`` at the end), so that a match
    in the folded text is given back as a span of the text as typed (« œ » folds to two
    characters, both pointing at it)."""
    if text.isascii():
        folded = text.lower()
        return folded, list(range(len(text) + 1))
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        plain = fold(char)
        out.append(plain)
        where.extend([index] * len(plain))
    where.append(len(text))
    return "".join(out), where


def parse_date(value: Any) -> date | None:
    """A French date written ``2025-12-20``, ``20/12/2025``, ``20/12/25``, ``20 décembre
    2025`` or ``décembre 2025`` (first day of the month); None when unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = fold(value)
    try:
        match = ISO_DATE.search(text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = NUMERIC_DATE.search(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        words = profile_words()
        match = words.month_date.search(text)
        if match:
            day = int(match.group(1)) if match.group(1) else 1
            return date(int(match.group(3)), words.months[match.group(2)], day)
    except ValueError:  # 31/02/2025 and the like
        return None
    return None


def parse_int(value: Any, low: int, high: int) -> int | None:
    """An integer in [low, high] from a value such as ``"23"``, ``23.0`` or ``"23 ans"``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = int(value)
    else:
        match = re.search(r"\d+", str(value))
        if not match:
            return None
        number = int(match.group(0))
    return number if low <= number <= high else None
