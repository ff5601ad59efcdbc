"""Slack input channel whose buttons behave as people expect after a click.

Rasa's ``SlackInput`` passes a button click to the assistant as the button's value, but
leaves the message as it was: the buttons stay active and the chat does not show what
was chosen. This channel (same name ``slack``, same webhook
``/webhooks/slack/webhook``) does that too, and then updates the message through the
interaction's ``response_url``: the clicked buttons are replaced by « Vous avez choisi :
… » (« Votre avis : … » for « Cette réponse vous aide ? »;
:func:`bot.render.slack.after_choice`), so they cannot be clicked twice.

The message handler is :func:`channels.turn_guard.guard`, as on the REST and web chat
channels: the text is cleaned, and when the action server is down or slow the adviser
gets the busy message (and only it) instead of nothing. Answers are posted with
``AsyncWebClient`` (aiohttp) with a timeout of :data:`POST_TIMEOUT_S`; ``api_url`` in
the credentials changes Slack's API address (GovSlack, or a local fake in the tests).

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
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.slack import after_choice
from channels.turn_guard import guard

logger = logging.getLogger(__name__)

#: Seconds to wait for Slack to take the update (the click is answered anyway).
UPDATE_TIMEOUT_S = 10

#: Seconds to wait for Slack to take an answer.
POST_TIMEOUT_S = 10

#: Message updates under way (asyncio keeps only weak references to tasks).
_PENDING: set[asyncio.Future[None]] = set()


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


def choice_update(payload: dict[str, Any]) -> dict[str, Any] | None:
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
    block_id = actions[0].get("block_id")
    return {
        "replace_original": True,
        "text": message.get("text") or " ",
        # Only the clicked block: « Oui » / « Non » leave the quick replies, and back.
        "blocks": after_choice(blocks, str(title), block_id if isinstance(block_id, str) else None),
    }


async def post_update(url: str, body: dict[str, Any]) -> None:
    """POST the update to Slack's ``response_url`` (errors are logged, not raised)."""
    try:
        timeout = aiohttp.ClientTimeout(total=UPDATE_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.post(url, json=body) as reply:
            if reply.status >= 400:
                logger.warning("Slack refused the message update (HTTP %s)", reply.status)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("Slack message update failed: %s", type(error).__name__)


class InteractiveSlackInput(SlackInput):
    """``SlackInput`` that shows the choice and disables the buttons after a click."""

    #: Replaced in tests to capture the update instead of sending it.
    poster: Callable[[str, dict[str, Any]], Awaitable[None]] = staticmethod(post_update)

    #: Slack's Web API address (``api_url`` in the credentials); None: Slack's own.
    api_url: str | None = None

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        if credentials and credentials.get("api_url"):
            setattr(channel, "api_url", str(credentials["api_url"]))  # noqa: B010 (typed as InputChannel)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guard(on_new_message))

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        output = super().get_output_channel(channel, thread_id)
        options: dict[str, Any] = {"timeout": POST_TIMEOUT_S}
        if self.api_url:
            options["base_url"] = self.api_url.rstrip("/") + "/"
        output.client = AsyncWebClient(self.slack_token, proxy=self.proxy, **options)  # type: ignore[attr-defined]
        return output

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str | None,
        sender_id: str | None,
        metadata: dict | None,
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
            # The task is kept until done (the loop holds only a weak reference to it).
            task = asyncio.ensure_future(self.poster(payload["response_url"], body))
            _PENDING.add(task)
            task.add_done_callback(_PENDING.discard)
