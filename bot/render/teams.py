"""Microsoft Teams rendering: one Bot Framework activity with an Adaptive Card.

The activity is sent by Rasa's Bot Framework output channel
(``rasa/core/channels/botframework.py``): ``send_custom_json`` fills ``type``,
``recipient``, ``from``, ``channelData`` and ``text`` when missing, then POSTs the
activity to ``<serviceUrl>/v3/conversations/<id>/activities``.

The answer text is the first TextBlock of the card (Teams shows it as the chat-list
preview). The activity ``text`` is left empty so that Teams does not print the answer
twice (text above the card, then the card); ``summary`` and the card's
``fallbackText`` carry the plain text for clients that cannot render cards. No
top-level ``text`` is given to ``utter_message`` either: Rasa would send it as a
separate plain message before the card.

Buttons are ``Action.Submit`` with a Teams ``messageBack``: the chat shows the button
title, and the bot receives the Rasa payload as the message text (which is what
``BotFrameworkInput`` reads).
"""

from __future__ import annotations

from typing import Any

from bot.render._common import (
    CERTIFICATIONS_HEADING,
    buttons_of,
    certifications_of,
    level_suffix,
    more_hint,
    remaining_of,
    safe_url,
    sources_heading,
    sources_of,
    summary_of,
    text_of,
)

ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_VERSION = "1.4"
# Teams shows at most 6 actions on a card; more are hidden behind "…".
ACTIONS_MAX = 6


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


def certification_item(cert: dict[str, Any]) -> dict[str, Any]:
    """One certification as a TextBlock: ``**title** — RNCP34857 (niveau 3)``."""
    title = cert.get("title") or ""
    rncp = cert.get("rncp") or ""
    text = f"**{title}**" if title else ""
    if rncp:
        text += (" — " if text else "") + md_link(cert.get("url"), rncp)
    return _text_block("• " + text + level_suffix(cert), spacing="Small")


def adaptive_card(payload: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card (version 1.4) for ``payload``."""
    text = summary_of(payload)
    body: list[dict[str, Any]] = []
    if text:
        body.append(_text_block(text))

    certifications = certifications_of(payload)
    if certifications:
        body.append(
            {
                "type": "Container",
                "spacing": "Medium",
                "items": [_text_block(CERTIFICATIONS_HEADING, weight="Bolder")]
                + [certification_item(cert) for cert in certifications],
            }
        )

    hint = more_hint(remaining_of(payload))
    if hint:
        body.append(_text_block(hint, isSubtle=True, spacing="Small"))

    sources = sources_of(payload)
    if sources:
        links = " · ".join(md_link(s.get("url"), s["label"]) for s in sources)
        body.append(
            _text_block(
                f"{sources_heading(len(sources))} {links}",
                size="Small",
                isSubtle=True,
                spacing="Medium",
            )
        )

    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "version": ADAPTIVE_CARD_VERSION,
        "fallbackText": text,
        "body": body,
    }
    buttons = buttons_of(payload)[:ACTIONS_MAX]
    if buttons:
        card["actions"] = [
            {
                "type": "Action.Submit",
                "title": button["title"],
                "data": {
                    "msteams": {
                        "type": "messageBack",
                        "displayText": button["title"],
                        "text": button["payload"],
                    }
                },
            }
            for button in buttons
        ]
    return card


def render(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Teams message for ``payload``."""
    activity = {
        "type": "message",
        "text": "",
        "summary": text_of(payload),
        "attachments": [
            {
                "contentType": ADAPTIVE_CARD_CONTENT_TYPE,
                "content": adaptive_card(payload),
            }
        ],
    }
    return {"json_message": activity}
