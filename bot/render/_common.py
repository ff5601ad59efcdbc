"""What the channel renderers word alike, on the typed payload (:mod:`bot.render.payload`).

The few words a renderer adds are worded with the answers' (:mod:`bot.compose.french`) or
in the catalogue's ``render`` section (``knowledge/wording/render.yml``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from bot.compose.french import (
    CERTIFICATIONS_HEADING,
    CHECKED_ON,
    CHOSEN,
    NEXT_STEP_HEADING,
    capitalised,
    french_date,
    sources_heading,
)
from bot.compose.parts import CertificationItem, SourceItem
from bot.render.payload import AnswerPayload
from bot.wording import text

__all__ = ["CHOSEN", "NEXT_STEP_HEADING", "sources_heading"]

#: The intent of « Détails et sources » on Slack (domain.yml; a button, never typed text).
SHOW_DETAILS_INTENT = "show_details"


def details_command(answer_id: str) -> str:
    """The payload of « Détails et sources »: ``/show_details{"answer_id": "…"}``."""
    return "/" + SHOW_DETAILS_INTENT + json.dumps({"answer_id": answer_id})


def list_heading(answer: AnswerPayload) -> str:
    """The heading of the certification list (says whose it is), or the generic one."""
    return f"{answer.list_heading} :" if answer.list_heading else CERTIFICATIONS_HEADING


def checked_on(sources: Iterable[SourceItem]) -> str:
    """« Vérifié le 1er décembre 2026 », once for all the sources (the oldest check), or
    an empty string when no source says when it was checked."""
    days = []
    for source in sources:
        try:
            days.append(date.fromisoformat(source.checked_on)) if source.checked_on else None
        except ValueError:
            continue
    return capitalised(CHECKED_ON.format(day=french_date(min(days)))) if days else ""


def level_suffix(cert: CertificationItem) -> str:
    """`` (niveau 3)`` / `` (sans niveau)`` or an empty string."""
    return f" ({cert.level})" if cert.level else ""


def whose_suffix(cert: CertificationItem) -> str:
    """`` — pour « Soudeur »`` when the certification is listed for another métier."""
    return f" — {text('render', 'listed_for', metier=cert.metier)}" if cert.metier else ""
