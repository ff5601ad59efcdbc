"""The comment typed after « Non » (« Qu'est-ce qui manquait ? »), recorded in the tracker
and still handled as any other message (issue 22).

``action_feedback`` (actions/feedback.py) answers a « Non » with « Qu'est-ce qui
manquait ? » in a bot event whose ``proa_feedback`` metadata says ``comment_asked``. The
person's next message, when it is typed text (not a button's ``/command``), is that
comment: right after Rasa's ``action_extract_slots`` (which runs after every user
message, before any prediction), :func:`comment_events` adds one bot event, « Merci,
c'est noté. » (``utter_feedback_comment``), whose ``proa_feedback`` metadata holds the
comment with what the answer was. Then Rasa predicts and answers the message as usual:
nothing is lost, a question is answered.

Why here, in Rasa's process: no extra call of the action server per message (a custom
slot mapping action would call it after every message of every conversation, and once
more when it hangs), and no slot (Rasa copies every slot event into each new session,
which would repeat the comment there). The text is the message as the channels checked
it (:func:`channels.guarded.prepare_text`), like any message. A bot event changes no
prediction: the policies read actions, intents and slots. Nothing is logged.

Plugged into Rasa by the patch ``feedback_comment`` of :mod:`servers.patches`, which
:mod:`channels.guarded` applies (imported first by every credentials file).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

from bot.feedback import FEEDBACK_METADATA, comment_record

logger = logging.getLogger(__name__)

COMMENT_RESPONSE = "utter_feedback_comment"


def asked_comment(events: Any) -> dict[str, Any] | None:
    """The record of the « Non » whose « Qu'est-ce qui manquait ? » the latest user
    message answers (a bot event between that message and the one before), or None."""
    seen_current = False
    for event in reversed(events):
        if isinstance(event, UserUttered):
            if seen_current:
                return None
            seen_current = True
        elif seen_current and isinstance(event, BotUttered):
            record = (event.metadata or {}).get(FEEDBACK_METADATA)
            if isinstance(record, dict) and record.get("comment_asked"):
                return record
    return None


async def comment_events(tracker: Any, nlg: Any, output_channel: Any) -> list[Event]:
    """The bot event that records the latest message as the comment, or nothing."""
    message = tracker.latest_message
    text = (message.text or "").strip() if message is not None else ""
    if not text or text.startswith("/"):
        return []
    asked = asked_comment(tracker.events)
    if asked is None:
        return []
    reply = await nlg.generate(COMMENT_RESPONSE, tracker, output_channel.name()) or {}
    return [
        BotUttered(
            text=reply.get("text"),
            metadata={"utter_action": COMMENT_RESPONSE, FEEDBACK_METADATA: comment_record(asked, text)},
        )
    ]


async def events_after_extract(tracker: Any, nlg: Any, output_channel: Any) -> list[Event]:
    """What is added after Rasa's ``action_extract_slots`` (patch ``feedback_comment`` of
    :mod:`servers.patches`): the comment's event, or nothing. Never raises: the comment
    never costs the answer."""
    try:
        return await comment_events(tracker, nlg, output_channel)
    except Exception as error:
        logger.error("Feedback comment not recorded: %s", type(error).__name__)
        return []
