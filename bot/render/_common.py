"""Helpers shared by the channel renderers (plain Python, no Rasa import).

They read the structured answer described in docs/DESIGN.md ("Structured answer
(channels)") defensively: every key may be missing or null, so a renderer never fails
on a partial payload (an ``info`` answer has no certifications, a source may have no
URL, a version 1 payload has no verdict line nor parts, …).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlsplit

# The few words a renderer adds are worded with the answers' (bot/compose/french.py).
from bot.compose.french import (
    CERTIFICATIONS_HEADING,
    CHECKED_ON,
    CHOSEN,
    NEXT_STEP_HEADING,
    capitalised,
    french_date,
    sources_heading,
)

__all__ = ["CHOSEN", "sources_heading"]


def text_of(payload: dict[str, Any]) -> str:
    """The French answer text (empty string when absent)."""
    text = payload.get("text")
    return text if isinstance(text, str) else ""


def summary_of(payload: dict[str, Any]) -> str:
    """The answer's prose without its list and sources, for channels that render the
    certifications and the sources themselves; the full text when there is no summary."""
    summary = payload.get("summary")
    return summary if isinstance(summary, str) else text_of(payload)


def verdict_line_of(payload: dict[str, Any]) -> str:
    """The line that answers the question (version 2), or an empty string."""
    line = payload.get("verdict_line")
    return line.strip() if isinstance(line, str) else ""


def parts_of(payload: dict[str, Any], detail: bool | None = None) -> list[dict[str, str]]:
    """The answer's parts as ``{"heading", "figure", "text"}`` strings (possibly empty);
    with ``detail``, only the main parts (False) or only the details (True)."""
    parts = []
    for part in payload.get("parts") or []:
        if not isinstance(part, dict):
            continue
        if detail is not None and (part.get("detail") is True) != detail:
            continue
        clean = {key: str(part.get(key) or "").strip() for key in ("heading", "figure", "text")}
        if clean["heading"] or clean["figure"] or clean["text"]:
            parts.append(clean)
    return parts


def list_heading_of(payload: dict[str, Any]) -> str:
    """The heading of the certification list (says whose it is), or the generic one."""
    listing = payload.get("list")
    heading = listing.get("heading") if isinstance(listing, dict) else None
    return f"{heading} :" if isinstance(heading, str) and heading.strip() else CERTIFICATIONS_HEADING


def list_notes_of(payload: dict[str, Any]) -> list[str]:
    listing = payload.get("list")
    notes = listing.get("notes") if isinstance(listing, dict) else None
    return [str(n) for n in notes or [] if isinstance(n, str) and n.strip()]


def change_of(payload: dict[str, Any]) -> dict[str, str] | None:
    """The 2026 change note (``kind``, ``heading``, ``text``), or None."""
    change = payload.get("change")
    if not isinstance(change, dict) or not isinstance(change.get("text"), str) or not change["text"].strip():
        return None
    return {
        "kind": str(change.get("kind") or ""),
        "heading": str(change.get("heading") or ""),
        "text": change["text"].strip(),
    }


def next_step_of(payload: dict[str, Any]) -> dict[str, Any] | None:
    """« Prochaine étape » (``text``, ``label``) and its contacts with an http(s) address
    (``name``, ``url``), or None."""
    step = payload.get("next_step")
    if not isinstance(step, dict) or not isinstance(step.get("text"), str) or not step["text"].strip():
        return None
    contacts = [
        {"name": str(c["name"]), "url": safe_url(c.get("url"))}
        for c in step.get("contacts") or []
        if isinstance(c, dict) and c.get("name") and safe_url(c.get("url"))
    ]
    return {"label": NEXT_STEP_HEADING, "text": step["text"].strip(), "contacts": contacts}


#: The intent of « Détails et sources » on Slack (domain.yml; a button, never typed text).
SHOW_DETAILS_INTENT = "show_details"


def details_command(answer_id: str) -> str:
    """The payload of « Détails et sources »: ``/show_details{"answer_id": "…"}``."""
    return "/" + SHOW_DETAILS_INTENT + json.dumps({"answer_id": answer_id})


def answer_id_of_payload(payload: dict[str, Any]) -> str | None:
    """The id the answer was given (its feedback offer names it), or None."""
    offer = payload.get("feedback")
    answer_id = offer.get("answer_id") if isinstance(offer, dict) else None
    return answer_id if isinstance(answer_id, str) and answer_id else None


def buttons_of(payload: dict[str, Any]) -> list[dict[str, str]]:
    """Quick replies as Rasa buttons: ``[{"title": …, "payload": …}]``.

    Buttons without a title or a payload are dropped.
    """
    buttons = []
    for button in payload.get("buttons") or []:
        if not isinstance(button, dict):
            continue
        title, value = button.get("title"), button.get("payload")
        if title and value:
            buttons.append({"title": str(title), "payload": str(value)})
    return buttons


def certifications_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Certifications having at least a title or an RNCP code."""
    return [
        cert
        for cert in payload.get("certifications") or []
        if isinstance(cert, dict) and (cert.get("title") or cert.get("rncp"))
    ]


def sources_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Sources having a label (a source without a label cannot be shown)."""
    return [source for source in payload.get("sources") or [] if isinstance(source, dict) and source.get("label")]


def checked_on_of(sources: list[dict[str, Any]]) -> str:
    """« Vérifié le 1er décembre 2026 », once for all the sources (the oldest check), or
    an empty string when no source says when it was checked."""
    days = []
    for source in sources:
        checked = source.get("checked_on")
        try:
            days.append(date.fromisoformat(checked)) if isinstance(checked, str) else None
        except ValueError:
            continue
    return capitalised(CHECKED_ON.format(day=french_date(min(days)))) if days else ""


def source_label(source: dict[str, Any]) -> str:
    """« label (vérifié le 2026-11-20) » when the knowledge says when it was checked."""
    label = str(source.get("label") or "")
    checked = source.get("checked_on")
    return f"{label} ({CHECKED_ON.format(day=checked)})" if isinstance(checked, str) and checked else label


def _more(payload: dict[str, Any]) -> dict[str, Any]:
    more = payload.get("more")
    return more if isinstance(more, dict) else {}


def remaining_of(payload: dict[str, Any]) -> int:
    """How many certifications were left out of this answer (0 when none)."""
    try:
        remaining = int(_more(payload).get("remaining") or 0)
    except (TypeError, ValueError):
        return 0
    return max(remaining, 0)


def more_hint_of(payload: dict[str, Any]) -> str:
    """The core's French hint on the certifications left out (« … écrivez « voir plus » »),
    or an empty string when the list is complete."""
    hint = _more(payload).get("hint")
    return hint.strip() if remaining_of(payload) and isinstance(hint, str) else ""


def buttons_with_more(payload: dict[str, Any]) -> list[dict[str, str]]:
    """The quick replies, the core's « Voir plus » first when the list goes on."""
    buttons = buttons_of(payload)
    more = _more(payload).get("button")
    if remaining_of(payload) and isinstance(more, dict) and more.get("title") and more.get("payload"):
        buttons.insert(0, {"title": str(more["title"]), "payload": str(more["payload"])})
    return buttons


def level_suffix(cert: dict[str, Any]) -> str:
    """`` (niveau 3)`` / `` (sans niveau)`` or an empty string."""
    level = cert.get("level")
    return f" ({level})" if level else ""


def whose_suffix(cert: dict[str, Any]) -> str:
    """`` — pour « Soudeur »`` when the certification is listed for another métier."""
    metier = cert.get("metier")
    return f" — pour « {metier} »" if isinstance(metier, str) and metier.strip() else ""


def safe_url(url: Any) -> str | None:
    """Return ``url`` when it is an absolute http(s) URL, else None."""
    if not isinstance(url, str) or not url.strip():
        return None
    text: str = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return text


def feedback_of(payload: dict[str, Any]) -> dict[str, Any] | None:
    """« Cette réponse vous aide ? » and its buttons (``{"question", "buttons": [{"title",
    "payload", "value"}]}``, :func:`bot.feedback.offer`), or None when the answer does not
    ask (a payload built elsewhere than ``actions.common.send_answer``)."""
    feedback = payload.get("feedback")
    if not isinstance(feedback, dict) or not isinstance(feedback.get("question"), str):
        return None
    buttons = [
        {"title": str(b["title"]), "payload": str(b["payload"]), "value": str(b.get("value") or "")}
        for b in feedback.get("buttons") or []
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    ]
    if not buttons or not feedback["question"].strip():
        return None
    return {"question": feedback["question"].strip(), "buttons": buttons}
