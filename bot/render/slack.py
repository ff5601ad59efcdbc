"""Slack rendering: one message made of Block Kit blocks.

The message is sent by Rasa's Slack output channel (``rasa/core/channels/slack.py``):
``send_custom_json`` posts the ``json_message`` as keyword arguments of
``AsyncWebClient.chat_postMessage(channel=…, **json_message, thread_ts=…)``. Hence:

- the dict holds only ``chat.postMessage`` arguments: ``text`` (fallback shown in
  notifications and by clients that cannot display blocks) and ``blocks``;
- it never holds ``channel`` nor ``thread_ts``: the channel adds them itself (the
  thread when ``use_threads`` is set in the credentials), and a duplicate keyword
  would raise ``TypeError``;
- no top-level ``text`` is given to ``utter_message``: Rasa would post it as a second,
  plain message (``OutputChannel.send_response`` sends the text, then the custom JSON).

Everything coming from the payload is escaped for mrkdwn (``&``, ``<``, ``>``), so a
label cannot inject a link or a mention.
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
)

# Block Kit limits (https://api.slack.com/reference/block-kit).
SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_MAX = 25
FALLBACK_TEXT_MAX = 3000


def escape(text: Any) -> str:
    """Escape the three mrkdwn control characters."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def link(url: Any, label: Any) -> str:
    """``<url|label>`` with both parts escaped, or the escaped label alone."""
    checked = safe_url(url)
    if checked is None:
        return escape(label)
    checked = (
        checked.replace("&", "&amp;")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("|", "%7C")
        .replace(" ", "%20")
    )
    return f"<{checked}|{escape(label)}>"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chunks(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Split ``text`` at paragraph, then line, boundaries into parts <= ``limit``."""
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        candidate = f"{current}\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(paragraph) > limit:
            parts.append(paragraph[:limit])
            paragraph = paragraph[limit:]
        current = paragraph
    if current.strip():
        parts.append(current)
    return parts


def _mrkdwn_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def certification_line(cert: dict[str, Any]) -> str:
    """``• *title* — RNCP34857 (niveau 3)``, the RNCP code linked when possible."""
    title = cert.get("title") or ""
    rncp = cert.get("rncp") or ""
    line = f"• *{escape(title)}*" if title else "•"
    if rncp:
        line += " — " + link(cert.get("url"), rncp)
    return line + escape(level_suffix(cert))


def render(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Slack message for ``payload``."""
    text = summary_of(payload)
    blocks: list[dict[str, Any]] = [
        _mrkdwn_section(part) for part in _chunks(escape(text))
    ]

    certifications = certifications_of(payload)
    if certifications:
        lines = [f"*{CERTIFICATIONS_HEADING}*"]
        lines += [certification_line(cert) for cert in certifications]
        blocks += [_mrkdwn_section(part) for part in _chunks("\n".join(lines))]

    hint = more_hint(remaining_of(payload))
    if hint:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"_{escape(hint)}_"}]}
        )

    buttons = buttons_of(payload)[:ACTIONS_MAX]
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": "proa_quick_replies",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"proa_button_{index}",
                        "text": {
                            "type": "plain_text",
                            "text": _truncate(button["title"], BUTTON_TEXT_MAX),
                            "emoji": True,
                        },
                        "value": button["payload"][:BUTTON_VALUE_MAX],
                    }
                    for index, button in enumerate(buttons)
                ],
            }
        )

    sources = sources_of(payload)
    if sources:
        links = " · ".join(link(s.get("url"), s["label"]) for s in sources)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": _truncate(
                            f"{sources_heading(len(sources))} {links}", SECTION_TEXT_MAX
                        ),
                    }
                ],
            }
        )

    # Slack refuses an empty ``text`` without blocks and an empty ``blocks`` list.
    message: dict[str, Any] = {"text": escape(_truncate(text, FALLBACK_TEXT_MAX)) or " "}
    if blocks:
        message["blocks"] = blocks
    return {"json_message": message}
