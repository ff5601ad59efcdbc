"""Microsoft Teams rendering: one Bot Framework activity with an Adaptive Card.

The activity is sent by Rasa's Bot Framework output channel
(``rasa/core/channels/botframework.py``): ``send_custom_json`` fills ``type``,
``recipient``, ``from``, ``channelData`` and ``text`` when missing, then POSTs the
activity to ``<serviceUrl>/v3/conversations/<id>/activities``.

The verdict line is the first TextBlock of the card (Teams shows it as the chat-list
preview); the parts follow, each under its heading and starting with its figure, then
the list (its heading says whose it is), the notes, the 2026 change and the sources. The activity ``text`` is left empty so that Teams does not print the answer
twice (text above the card, then the card); ``summary`` and the card's
``fallbackText`` carry the plain text for clients that cannot render cards. No
top-level ``text`` is given to ``utter_message`` either: Rasa would send it as a
separate plain message before the card.

Buttons are ``Action.Submit`` with a Teams ``messageBack``: the chat shows the button
title, and the bot receives the Rasa payload as the message text (which is what
``BotFrameworkInput`` reads). « Cette réponse vous aide ? » closes the card, with its
« Oui » / « Non » as an ``ActionSet`` of the same ``Action.Submit`` (``/feedback{…}``
payloads, :mod:`bot.feedback`), when the payload asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.compose.french import DETAILS_HEADING
from bot.compose.parts import CertificationItem, ChangeKind, Part
from bot.render._common import NEXT_STEP_HEADING, checked_on, level_suffix, list_heading, sources_heading, whose_suffix
from bot.render.payload import AnswerPayload, part_text, safe_url

ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.5"
# Teams shows at most 6 actions on a card; more are hidden behind "…".
ACTIONS_MAX = 6
#: Buttons shown on the card at 540 px without truncation; the others go to the overflow
#: menu (``"mode": "secondary"``, Adaptive Cards 1.5).
ACTIONS_SHOWN = 3
#: The folded container of the details, shown by « Détails et sources ».
DETAILS_ID = "proa_details"


def _escape_label(text: Any) -> str:
    """Keep a label from closing a markdown link early."""
    return str(text).replace("[", "(").replace("]", ")")


def md_link(url: Any, label: Any) -> str:
    """``[label](url)`` for an http(s) URL, else the label alone."""
    checked = safe_url(url)
    if checked is None:
        return str(label)
    checked = checked.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"[{_escape_label(label)}]({checked})"


def _text_block(text: str, **options: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **options}


def certification_item(cert: CertificationItem) -> dict[str, Any]:
    """One certification as a TextBlock: ``**title** — RNCP34857 (niveau 3)``."""
    text = f"**{cert.title}**" if cert.title else ""
    if cert.rncp:
        text += (" — " if text else "") + md_link(cert.url, cert.rncp)
    text = "• " + text + level_suffix(cert) + whose_suffix(cert)
    if cert.note:
        text += f"\n\n_{cert.note}_"
    return _text_block(text, spacing="Small")


def _submit(title: str, payload: str) -> dict[str, Any]:
    """An ``Action.Submit`` whose ``messageBack`` shows ``title`` and sends ``payload``."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "messageBack", "displayText": title, "text": payload}},
    }


def feedback_items(answer: AnswerPayload) -> list[dict[str, Any]]:
    """« Cette réponse vous aide ? » and its buttons, as card body elements (or nothing)."""
    feedback = answer.feedback
    if not feedback:
        return []
    return [
        _text_block(feedback.question, weight="Bolder", spacing="Medium", separator=True, id="proa_feedback"),
        {"type": "ActionSet", "actions": [_submit(b.title, b.payload) for b in feedback.buttons]},
    ]


def _part_container(part: Part) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if part.heading:
        items.append(_text_block(part.heading, weight="Bolder"))
    if part.figure:
        items.append(_text_block(part.figure, color="Accent", spacing="None"))
    if part.sentences:
        items.append(_text_block(part_text(part), spacing="Small"))
    return {"type": "Container", "spacing": "Medium", "items": items}


def _details(answer: AnswerPayload) -> list[dict[str, Any]]:
    """What is not the answer itself: detail parts, list notes, the 2026 change, sources."""
    items: list[dict[str, Any]] = []
    if answer.verdict_line:
        items += [_part_container(part) for part in answer.detail_parts]
    for note in answer.list_notes:
        items.append(_text_block(note, size="Small", isSubtle=True, spacing="Small"))
    change = answer.change
    if change:
        heading = f"**{change.heading}** " if change.kind == ChangeKind.EXPLAINED and change.heading else ""
        items.append(_text_block(heading + change.text, size="Small", spacing="Medium"))
    sources = answer.sources
    if sources:
        items.append(_text_block(sources_heading(len(sources)), size="Small", weight="Bolder", spacing="Medium"))
        items += [
            _text_block(f"• {md_link(s.url, s.label)}", size="Small", isSubtle=True, spacing="None") for s in sources
        ]
        checked = checked_on(sources)
        if checked:
            items.append(_text_block(checked, size="Small", isSubtle=True, spacing="Small"))
    return items


def adaptive_card(answer: AnswerPayload) -> dict[str, Any]:
    """The Adaptive Card (version 1.5) for ``answer``: the answer, then « Détails et
    sources » folded (``Action.ToggleVisibility``), at most :data:`ACTIONS_SHOWN` buttons
    in view and the others in the card's overflow menu."""
    text = answer.summary
    body: list[dict[str, Any]] = []
    if answer.verdict_line:
        body.append(_text_block(answer.verdict_line, weight="Bolder", size="Medium", id="proa_verdict"))
        body += [_part_container(part) for part in answer.main_parts]
    elif text:  # a version 1 payload: its prose
        body.append(_text_block(text))

    if answer.certifications:
        body.append(
            {
                "type": "Container",
                "spacing": "Medium",
                "items": [_text_block(list_heading(answer), weight="Bolder")]
                + [certification_item(cert) for cert in answer.certifications],
            }
        )

    step = answer.next_step
    if step:
        links = " · ".join(md_link(c.url, c.name) for c in step.contacts)
        body.append(_text_block(f"**{NEXT_STEP_HEADING}** : {step.text} {links}".strip(), spacing="Medium"))

    details = _details(answer)
    if details:
        body.append(
            {
                "type": "ActionSet",
                "spacing": "Medium",
                "actions": [
                    {"type": "Action.ToggleVisibility", "title": DETAILS_HEADING, "targetElements": [DETAILS_ID]}
                ],
            }
        )
        body.append({"type": "Container", "id": DETAILS_ID, "isVisible": False, "items": details})

    body += feedback_items(answer)

    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "version": ADAPTIVE_CARD_VERSION,
        "fallbackText": text,
        "body": body,
    }
    # « Voir plus » is a button here (no « écrivez voir plus » beside it).
    buttons = answer.quick_replies[:ACTIONS_MAX]
    if buttons:
        card["actions"] = [
            {**_submit(button.title, button.payload), **({"mode": "secondary"} if i >= ACTIONS_SHOWN else {})}
            for i, button in enumerate(buttons)
        ]
    return card


def render(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Teams message for the wire ``payload``."""
    return render_answer(AnswerPayload.from_wire(payload))


def render_answer(answer: AnswerPayload) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Teams message for ``answer``."""
    activity = {
        "type": "message",
        "text": "",
        "summary": answer.text,
        "attachments": [
            {
                "contentType": ADAPTIVE_CARD_CONTENT_TYPE,
                "content": adaptive_card(answer),
            }
        ],
    }
    return {"json_message": activity}
