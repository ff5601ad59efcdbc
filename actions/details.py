"""``action_show_details``: « Détails et sources » clicked under an answer on Slack.

Slack cannot fold part of a message, so a Slack answer ends with a « Détails et sources »
button (``/show_details{"answer_id": "…"}``, bot/render/slack.py) instead of the caveats,
history, 2026 change and sources that the widget folds. The answer's record, kept in its
bot event's metadata (:func:`bot.outcomes.answer_record`), holds those details; this
action finds the record the button names and sends them, rendered for the channel.
A click is never read by the NLU (a ``/`` command; the intent has no NLU example).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, latest_entities
from actions.rendering import SLACK
from bot import feedback
from bot.compose.french import DETAILS_HEADING
from bot.render import slack

#: Domain response when the answer named is no longer in the conversation.
MISSING_RESPONSE = "utter_details_missing"


class ActionShowDetails(GuardedAction):
    """Sends the details of the answer a « Détails et sources » button names."""

    def name(self) -> str:
        return "action_show_details"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        answer_id = feedback.answer_id_of(latest_entities(tracker, feedback.ANSWER_ID_ENTITY))
        record = feedback.answer_of(list(tracker.events or []), answer_id) if answer_id else None
        details = record.get("details") if isinstance(record, Mapping) else None
        if not isinstance(details, Mapping) or not any(details.get(k) for k in ("parts", "notes", "change", "sources")):
            dispatcher.utter_message(response=MISSING_RESPONSE)
            return
        message = slack.render_details(details)
        if tracker.get_latest_input_channel() == SLACK:
            dispatcher.utter_message(**message)
        else:
            dispatcher.utter_message(text=plain_details(details))


def plain_details(details: Mapping[str, Any]) -> str:
    """The details as plain text (a channel other than Slack, e.g. a test through REST)."""
    blocks = [DETAILS_HEADING]
    for part in details.get("parts") or []:
        if isinstance(part, Mapping):
            blocks.append("\n".join(str(part.get(k)) for k in ("heading", "text") if part.get(k)))
    blocks += [str(note) for note in details.get("notes") or []]
    change = details.get("change")
    if isinstance(change, Mapping) and change.get("text"):
        blocks.append(str(change["text"]))
    sources = [s for s in details.get("sources") or [] if isinstance(s, Mapping) and s.get("label")]
    if sources:
        blocks.append("\n".join(f"• {s['label']}" + (f" : {s['url']}" if s.get("url") else "") for s in sources))
    return "\n\n".join(b for b in blocks if b.strip())
