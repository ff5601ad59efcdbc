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

Layout: the verdict line first, in its own section (``block_id`` ``proa_verdict``);
then one section per part, the list (its heading says whose it is), the notes and the
2026 change in small print, the buttons (« Voir plus » first when the list goes on),
the sources, and last « Cette réponse vous aide ? » with « Oui » / « Non »
(``proa_feedback``, when the payload asks: :mod:`bot.feedback`). Long texts are split at line, then word, boundaries, never inside a
link, and a message never has more than :data:`BLOCKS_MAX` blocks.

Everything coming from the payload is escaped for mrkdwn (``&``, ``<``, ``>``), so a
label cannot inject a link or a mention. After a click, the message is updated through
the interaction's ``response_url`` (:func:`after_choice`, used by
``channels/slack_interactive.py``): only the clicked block changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.compose.french import DETAILS_HEADING
from bot.compose.parts import Button, CertificationItem, ChangeKind, Part
from bot.feedback import GIVEN as FEEDBACK_GIVEN
from bot.render._common import (
    CHOSEN,
    NEXT_STEP_HEADING,
    checked_on,
    details_command,
    level_suffix,
    list_heading,
    sources_heading,
    whose_suffix,
)
from bot.render.payload import AnswerPayload, part_text, safe_url
from bot.wording import text as wording

# Block Kit limits (https://api.slack.com/reference/block-kit).
SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_MAX = 25
BLOCKS_MAX = 50
FALLBACK_TEXT_MAX = 3000

VERDICT_BLOCK = "proa_verdict"
DETAILS_BLOCK = "proa_details"
ACTIONS_BLOCK = "proa_quick_replies"
SOURCES_BLOCK = "proa_sources"
FEEDBACK_QUESTION_BLOCK = "proa_feedback_question"
FEEDBACK_BLOCK = "proa_feedback"
#: Blocks kept at the end of a message that is too long (:func:`_cap`).
_TAIL_BLOCKS = (ACTIONS_BLOCK, DETAILS_BLOCK, SOURCES_BLOCK, FEEDBACK_QUESTION_BLOCK, FEEDBACK_BLOCK)

_TOKEN = re.compile(r"<[^>]*>|\S+")


def escape(text: Any) -> str:
    """Escape the three mrkdwn control characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: Any, label: Any) -> str:
    """``<url|label>`` with both parts escaped, or the escaped label alone."""
    checked = safe_url(url)
    if checked is None:
        return escape(label)
    checked = (
        checked.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")
    )
    return f"<{checked}|{escape(label)}>"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_line(line: str, limit: int) -> list[str]:
    """Split one over-long line between words; a link (``<…>``) is never cut."""
    parts: list[str] = []
    current = ""
    for token in _TOKEN.findall(line):
        if len(token) > limit:  # one unbroken word longer than a block: cut it (never a link)
            token = re.sub(r"^<[^|>]*\|([^>]*)>$", r"\1", token)[:limit]
        candidate = f"{current} {token}" if current else token
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = token
    if current:
        parts.append(current)
    return parts


def _chunks(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Split ``text`` at line, then word, boundaries into parts <= ``limit``."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        pieces = _split_line(line, limit) if len(line) > limit else [line]
        parts.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current.strip():
        parts.append(current)
    return parts


def _mrkdwn_section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _truncate(text, CONTEXT_TEXT_MAX)}],
    }
    if block_id:
        block["block_id"] = block_id
    return block


def certification_line(cert: CertificationItem) -> str:
    """``• *title* — RNCP34857 (niveau 3)``, the RNCP code linked when possible, and the
    métier it is listed for when it is another's."""
    line = f"• *{escape(cert.title)}*" if cert.title else "•"
    if cert.rncp:
        line += " — " + link(cert.url, cert.rncp)
    line += escape(level_suffix(cert)) + escape(whose_suffix(cert))
    if cert.note:
        line += f"\n    _{escape(cert.note)}_"
    return line


def _part_text(part: Part) -> str:
    head = f"*{escape(part.heading)}*" if part.heading else ""
    if part.figure:
        head = f"{head} : *{escape(part.figure)}*" if head else f"*{escape(part.figure)}*"
    return "\n".join(x for x in (head, escape(part_text(part))) if x)


def _button(index: int, title: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": f"proa_button_{index}",
        "text": {"type": "plain_text", "text": _truncate(title, BUTTON_TEXT_MAX), "emoji": True},
        "value": value[:BUTTON_VALUE_MAX],
    }


def _cap(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most :data:`BLOCKS_MAX` blocks: the middle is shortened, the verdict, the
    buttons, the sources and the feedback question are kept."""
    if len(blocks) <= BLOCKS_MAX:
        return blocks
    size = 0
    while size < len(blocks) and blocks[len(blocks) - 1 - size].get("block_id") in _TAIL_BLOCKS:
        size += 1
    tail = blocks[len(blocks) - size :]
    head = blocks[: len(blocks) - len(tail)]
    keep = BLOCKS_MAX - len(tail) - 1
    return [*head[:keep], _context(f"_{wording('render', 'shortened')}_"), *tail]


def render(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Slack message for the wire ``payload``."""
    return render_answer(AnswerPayload.from_wire(payload))


def render_answer(answer: AnswerPayload) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of the Slack message for ``answer``."""
    text = answer.summary
    blocks: list[dict[str, Any]] = []
    if answer.verdict_line:
        blocks.append(
            _mrkdwn_section(f"*{escape(_truncate(answer.verdict_line, SECTION_TEXT_MAX - 2))}*", VERDICT_BLOCK)
        )
        for part in answer.main_parts:
            blocks += [_mrkdwn_section(chunk) for chunk in _chunks(_part_text(part))]
    else:  # a version 1 payload: its prose
        blocks += [_mrkdwn_section(part) for part in _chunks(escape(text))]

    if answer.certifications:
        lines = [f"*{escape(list_heading(answer))}*"]
        lines += [certification_line(cert) for cert in answer.certifications]
        blocks += [_mrkdwn_section(part) for part in _chunks("\n".join(lines))]

    step = answer.next_step
    if step:
        links = " · ".join(link(c.url, c.name) for c in step.contacts)
        blocks.append(_mrkdwn_section(f"*{escape(NEXT_STEP_HEADING)}* : {escape(step.text)} {links}".strip()))

    # What is not the answer itself: detail parts, list notes, the 2026 change, sources.
    details = _details_blocks(answer)

    # « Voir plus » is the first button below: no « écrivez « voir plus » » beside it. The
    # details stay behind « Détails et sources » when the answer has an id to ask them by
    # (actions/details.py sends them); else they follow in small print.
    behind_button = bool(details and answer.answer_id)
    buttons = list(answer.quick_replies[: ACTIONS_MAX - 1 if behind_button else ACTIONS_MAX])
    if behind_button and answer.answer_id:
        buttons.append(Button(DETAILS_HEADING, details_command(answer.answer_id)))
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": ACTIONS_BLOCK,
                "elements": [_button(i, b.title, b.payload) for i, b in enumerate(buttons)],
            }
        )
    if details and not behind_button:
        blocks += details

    feedback = answer.feedback
    if feedback:
        blocks.append(_context(f"*{escape(feedback.question)}*", FEEDBACK_QUESTION_BLOCK))
        blocks.append(
            {
                "type": "actions",
                "block_id": FEEDBACK_BLOCK,
                "elements": [
                    {**_button(i, b.title, b.payload), "action_id": f"proa_feedback_{b.value or i}"}
                    for i, b in enumerate(feedback.buttons)
                ],
            }
        )

    # Slack refuses an empty ``text`` without blocks and an empty ``blocks`` list.
    message: dict[str, Any] = {"text": escape(_truncate(text, FALLBACK_TEXT_MAX)) or " "}
    if blocks:
        message["blocks"] = _cap(blocks)
    return {"json_message": message}


def _details_blocks(answer: AnswerPayload) -> list[dict[str, Any]]:
    """The details of an answer in small print: one context block (at most ten elements,
    so that a long answer cut to 50 blocks keeps it), then the sources, one line each and
    checked once."""
    details = [escape(_part_text(part).replace("*", "")) for part in answer.detail_parts]
    details += [escape(note) for note in answer.list_notes]
    change = answer.change
    if change:
        heading = f"*{escape(change.heading)}* " if change.kind == ChangeKind.EXPLAINED and change.heading else ""
        details.append(heading + escape(change.text))
    blocks: list[dict[str, Any]] = []
    if details:
        elements = [f"*{escape(DETAILS_HEADING)}*", *details][:CONTEXT_ELEMENTS_MAX]
        blocks.append(
            {
                "type": "context",
                "block_id": DETAILS_BLOCK,
                "elements": [{"type": "mrkdwn", "text": _truncate(e, CONTEXT_TEXT_MAX)} for e in elements],
            }
        )
    sources = answer.sources
    if sources:
        lines = [f"• {link(s.url, s.label)}" for s in sources]
        checked = checked_on(sources)
        if checked:
            lines.append(escape(checked))
        blocks.append(_context(f"{sources_heading(len(sources))}\n" + "\n".join(lines), SOURCES_BLOCK))
    return blocks


def render_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """The Slack message of an answer's details (``details`` of its record,
    :func:`bot.outcomes.details_of`), sent when « Détails et sources » is clicked."""
    blocks = _details_blocks(AnswerPayload.from_details(details))
    text = DETAILS_HEADING
    return {"json_message": {"text": text, "blocks": blocks[:BLOCKS_MAX]}} if blocks else {"text": text}


def after_choice(blocks: list[dict[str, Any]], chosen_title: str, block_id: str | None = None) -> list[dict[str, Any]]:
    """The blocks of a message once a button was clicked: the clicked buttons are gone
    (Slack has no disabled state) and the choice is shown in their place. With the
    ``block_id`` of the click, only that block changes (a click on « Oui » leaves the
    quick replies, and the other way round); without it, every block of buttons does."""
    known = block_id is not None and any(isinstance(b, dict) and b.get("block_id") == block_id for b in blocks or [])
    updated: list[dict[str, Any]] = []
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "actions" and (not known or block.get("block_id") == block_id):
            if block.get("block_id") == FEEDBACK_BLOCK:
                updated.append(_context(f"✅ {escape(FEEDBACK_GIVEN.format(title=chosen_title))}", FEEDBACK_BLOCK))
            else:
                updated.append(_context(f"✅ {escape(CHOSEN.format(title=chosen_title))}"))
        else:
            updated.append(block)
    return updated
