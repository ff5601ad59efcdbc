"""Slack input channel whose buttons behave as people expect after a click.

Rasa's ``SlackInput`` passes a button click to the assistant as the button's value, but
leaves the message as it was: the buttons stay active and the chat does not show what
was chosen. This channel (same name ``slack``, same webhook
``/webhooks/slack/webhook``) does that too, and then updates the message through the
interaction's ``response_url``: the buttons are replaced by « Vous avez choisi : … »
(:func:`bot.render.slack.after_choice`), so they cannot be clicked twice.

Only a signed request reaches this code (the parent checks the signature before it
calls :meth:`process_message`), and the update is posted only to a Slack
``response_url`` (https, a ``slack.com`` host), never to an address taken blindly
from the request. A failed update is logged, the click is still answered.

Use it in the credentials file in place of ``slack:``::

    channels.slack_interactive.InteractiveSlackInput:
      slack_token: ${SLACK_BOT_TOKEN}
      slack_signing_secret: ${SLACK_SIGNING_SECRET}
      use_threads: true
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackInput
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.render.slack import after_choice

logger = logging.getLogger(__name__)

#: Seconds to wait for Slack to take the update (the click is answered anyway).
UPDATE_TIMEOUT_S = 10


def is_slack_response_url(url: Any) -> bool:
    """True for an https URL on slack.com (``https://hooks.slack.com/actions/…``)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


def choice_update(payload: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The ``response_url`` body that shows the chosen button and removes the buttons,
    or None when the interaction is not a button click on a message with blocks."""
    actions = payload.get("actions") or []
    message = payload.get("message") or {}
    if not actions or not isinstance(actions[0], dict) or actions[0].get("type") != "button":
        return None
    blocks = message.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return None
    title = ((actions[0].get("text") or {}).get("text")) or actions[0].get("value") or ""
    return {
        "replace_original": True,
        "text": message.get("text") or " ",
        "blocks": after_choice(blocks, str(title)),
    }


async def post_update(url: str, body: Dict[str, Any]) -> None:
    """POST the update to Slack's ``response_url`` (errors are logged, not raised)."""
    try:
        timeout = aiohttp.ClientTimeout(total=UPDATE_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, json=body) as reply:
                if reply.status >= 400:
                    logger.warning("Slack refused the message update (HTTP %s)", reply.status)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("Slack message update failed: %s", type(error).__name__)


class InteractiveSlackInput(SlackInput):
    """``SlackInput`` that shows the choice and disables the buttons after a click."""

    #: Replaced in tests to capture the update instead of sending it.
    poster: Callable[[str, Dict[str, Any]], Awaitable[None]] = staticmethod(post_update)

    @classmethod
    def name(cls) -> Text:
        return "slack"

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Optional[Text],
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> HTTPResponse:
        self._update_clicked_message(request)
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def _update_clicked_message(self, request: Request) -> None:
        if request.headers.get("content-type") != "application/x-www-form-urlencoded":
            return
        try:
            payload = json.loads(request.form["payload"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            return
        if not isinstance(payload, dict) or not is_slack_response_url(payload.get("response_url")):
            return
        body = choice_update(payload)
        if body is not None:
            # Not awaited: the person's click is answered without waiting for Slack.
            asyncio.ensure_future(self.poster(payload["response_url"], body))
