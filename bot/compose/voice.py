"""Who the answer speaks to: the worker (« vous »), or an adviser who speaks of a worker
(« le salarié », « son employeur »).

An adviser writes « mon intérimaire… » or « un salarié que j'accompagne… », or asks from
Slack or Teams (the advisers' channels): the same answer parts are then worded in the
third person. The audience is set for the composition of one answer (a context variable,
so that concurrent conversations never share it); rules give their ``adviser_summary``
and :mod:`bot.compose.french` the third-person wording of ``knowledge/wording/adviser.yml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.knowledge.models import Rule

WORKER = "worker"
ADVISER = "adviser"
AUDIENCES = (WORKER, ADVISER)

_AUDIENCE: ContextVar[str] = ContextVar("proa_audience", default=WORKER)


@contextmanager
def speaking_to(audience: str) -> Iterator[None]:
    """Compose the answers of this block for ``audience`` (``worker`` or ``adviser``)."""
    token = _AUDIENCE.set(audience if audience in AUDIENCES else WORKER)
    try:
        yield
    finally:
        _AUDIENCE.reset(token)


def to_adviser() -> bool:
    """Whether the answer being composed speaks to an adviser."""
    return _AUDIENCE.get() == ADVISER


def said(rule: Rule) -> str:
    """The rule's summary as said to the audience of the answer being composed."""
    return rule.summary_for(to_adviser())
