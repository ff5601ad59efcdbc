"""``bot review``: the questions that failed, read from the tracker store (issue 22).

For a period, the user messages whose turn ended in a fallback, a question back, a refusal
(job not in the list), a low-confidence reading, a « Non » verdict line or a « Non » given
as feedback (:mod:`bot.outcomes`), grouped by similarity (rapidfuzz), with counts, the
reading taken, the rules used and the comments typed after « Non », newest first; and
the counts per day (the review page of ``web/serve.py`` shows them).

A « Non » is the click's ``/feedback`` user event and the ``proa_feedback`` record of
``action_feedback``'s reply (:mod:`bot.feedback`); both name the answer they are about
(``answer_id``, the ``id`` of its ``proa_answer`` record), else the question before.

The store is the ``events`` table of Rasa's ``SQLTrackerStore`` (SQLite by default,
PostgreSQL with ``endpoints.scale.yml``), read with SQLAlchemy; only the columns and
events needed are read. Nothing personal comes out: no sender id, and the messages are
masked (e-mail addresses, phone numbers, then every digit) before they are grouped.

The review is split by job: reading the store (:mod:`bot.review_store`), turning events
into turns (:mod:`bot.review_turns`), grouping them (:mod:`bot.review_groups`) and
printing (:mod:`bot.review_output`). This module reads the period and runs a review; it
re-exports the names of the others, so that ``bot.review`` stays the one entry point.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from bot import wording
from bot.outcomes import REVIEW_OUTCOMES
from bot.review_groups import GROUP_SIMILARITY, MESSAGES, TO_REVIEW, Group, Review, anonymise, group_turns
from bot.review_output import COLUMNS, FORMATS, as_csv, as_table, as_yaml
from bot.review_store import SQL_STORE_TYPES, ReviewError, StoredEvent, read_events, url_from_endpoints
from bot.review_turns import MIN_INTENT_CONFIDENCE, MIN_RULE_SCORE, Turn, failed, turns_of

__all__ = [
    "COLUMNS",
    "FORMATS",
    "GROUP_SIMILARITY",
    "MESSAGES",
    "MIN_INTENT_CONFIDENCE",
    "MIN_RULE_SCORE",
    "SQL_STORE_TYPES",
    "TO_REVIEW",
    "Group",
    "Review",
    "ReviewError",
    "StoredEvent",
    "Turn",
    "anonymise",
    "as_csv",
    "as_table",
    "as_yaml",
    "failed",
    "group_turns",
    "parse_moment",
    "read_events",
    "review",
    "turns_of",
    "url_from_endpoints",
]

_DURATION = re.compile(r"^\s*(\d+)\s*([hdwj])\s*$", re.IGNORECASE)


# -- the period -------------------------------------------------------------------------------


def parse_moment(text: str, now: datetime) -> datetime:
    """``7d``, ``12h``, ``2w`` (``j`` for jours) before ``now``, or an ISO date or date-time (UTC)."""
    match = _DURATION.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        hours = {"h": 1, "d": 24, "j": 24, "w": 24 * 7}[unit]
        return now - timedelta(hours=amount * hours)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReviewError(wording.text("review", "errors.bad_moment", text=repr(text))) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def review(
    url: Any,
    since: datetime,
    until: datetime,
    outcomes: Sequence[str] = (),
    channel: str | None = None,
    similarity: float = GROUP_SIMILARITY,
    min_intent: float = MIN_INTENT_CONFIDENCE,
    min_score: float = MIN_RULE_SCORE,
) -> Review:
    """The review of a period (optionally only some outcomes, one channel)."""
    wanted = set(outcomes) or set(REVIEW_OUTCOMES)
    total = 0
    kept: list[Turn] = []
    days: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for turn in turns_of(read_events(url, since.timestamp(), until.timestamp())):
        if turn.feedback is not None or (channel and turn.channel != channel):
            continue
        total += 1
        day = days[datetime.fromtimestamp(turn.timestamp, tz=timezone.utc).strftime("%Y-%m-%d")]
        day[MESSAGES] += 1
        if failed(turn, min_intent, min_score) and turn.outcomes & wanted:
            kept.append(turn)
            day[TO_REVIEW] += 1
            day.update(o for o in REVIEW_OUTCOMES if o in turn.outcomes)
    per_day = {key: days[key] for key in sorted(days)}
    return Review(since, until, group_turns(kept, similarity), len(kept), total, per_day)
