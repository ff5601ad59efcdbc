"""What an answer still lacks to be complete, decided without composing it.

The profile form asks for these facts (``actions/forms.py``), and the composed answer
carries the same tuple (:attr:`bot.compose.parts.Answer.missing`): both read it from
here, so the question asked and the answer given cannot disagree. Names are the core's
facts (``contract``, ``age``, ``metier_id`` …), not Rasa slots.
"""

from __future__ import annotations

from bot.knowledge.models import Diploma, Metier
from bot.matching import STATUS_SUGGESTION, MatchResult

#: Match outcomes after which the person must pick or name the métier again.
_UNRESOLVED = ("ambiguous", "empty", STATUS_SUGGESTION)


def eligibility_missing(
    decision_missing: tuple[str, ...], match: MatchResult | None, metier: Metier | None
) -> tuple[str, ...]:
    """The engine's missing facts, plus the métier when the text named several or was
    only close to one (a list to choose from)."""
    if metier is None and match is not None and match.status in ("ambiguous", STATUS_SUGGESTION):
        return (*tuple(decision_missing), "metier_id")
    return tuple(decision_missing)


def certifications_missing(
    target: Diploma | None, target_level: int | None, match: MatchResult | None, metier: Metier | None
) -> tuple[str, ...]:
    """The métier, when none is known and no diploma (a known one: ``target``) or level
    aimed at gives a list."""
    if metier is not None or target is not None or target_level is not None:
        return ()
    if match is None or match.status in _UNRESOLVED:
        return ("metier_id",)
    return ()
