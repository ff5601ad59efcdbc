"""Microsoft Teams (Bot Framework) channel that checks the Bot Connector's token the
whole way, never blocks the server, and tells the adviser when the assistant is busy.

Rasa 3.6's ``botframework`` channel checked the token's signature, audience and expiry
only, with the algorithm named by the token itself, and posted the answer to the
activity's ``serviceUrl`` with the bot's access token. So a token signed by a
trusted key but issued by someone else, or issued for another ``serviceUrl``, was
accepted, and the answer went to the URL of the request **with** ``Authorization:
Bearer <the bot's access token>``; an HS256 token carrying a trusted key's ``kid``
gave a 500. Its outgoing calls (signing keys, access token, answers) were blocking
``requests`` calls without timeout inside the event loop: one slow ``serviceUrl``
froze the whole server.

:class:`CheckedBotFrameworkInput` (name ``botframework``, webhook
``/webhooks/botframework/webhook``) follows Microsoft's rules for requests from the Bot
Connector ("Authenticate requests from the Bot Connector service to your bot"):

- ``Authorization: Bearer <JWT>``, at most :data:`MAX_TOKEN_CHARS` characters;
- the signing key is the one named by the token's ``kid`` in the JWKS listed by the
  OpenID metadata (``https://login.botframework.com/v1/.well-known/openidconfiguration``
  unless ``openid_metadata_url`` is set), fetched with aiohttp and cached for a day
  (again, at most every 5 minutes, for an unknown ``kid``);
- the algorithm must be one the metadata lists (``RS256``): never the token's choice,
  never HMAC nor ``none``;
- issuer = the metadata's ``issuer`` (``https://api.botframework.com``), audience = the
  bot's app id, ``exp`` / ``nbf`` checked (30 seconds of clock skew);
- the token's ``serviceurl`` claim must equal the activity's ``serviceUrl``, and when
  the key lists endorsements, the activity's ``channelId`` must be one of them.

Any failure is a 401 (a 503 when the signing keys cannot be fetched), never a 500, and
the answer is never posted anywhere. The activity must be a JSON object (400 else).
These checks are :mod:`channels.botframework_auth`: this module holds the channel, its
timeouts (``PROA_TEAMS_CONNECT_TIMEOUT``, ``PROA_TEAMS_READ_TIMEOUT``: see
docs/settings.md) and its outgoing calls.

:class:`CheckedBotFramework` (the output channel) gets the access token and posts the
answers with aiohttp, with connect and read timeouts (:data:`CONNECT_TIMEOUT_S`,
:data:`READ_TIMEOUT_S`): a slow ``serviceUrl`` delays only its own conversation. A
failed post is logged without URL nor conversation id.

The message handler is :func:`channels.turn_guard.guard`: the text is cleaned like on the
other channels, and when the action server is down or slow the adviser gets the busy
message (and only it), as REST and web chat users do.

Credentials (``credentials.advisers.yml``)::

    channels.botframework_checked.CheckedBotFrameworkInput:
      app_id: ${MS_APP_ID}
      app_password: ${MS_APP_PASSWORD}
      # openid_metadata_url / login_url: only for another Microsoft cloud (or a test)

Once the project's channels are loaded (``channels.guarded`` first in the credentials
files), Rasa's built-in ``botframework:`` key means this channel too (patch
``builtin_channels`` of :mod:`servers.patches`).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar
from urllib.parse import quote

import aiohttp
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels.botframework_auth import KeysUnavailable, SigningKeys, TokenRefused, check_activity, verify_token
from channels.input_checks import loads_limited, metadata_problem, valid_sender
from channels.turn_guard import guard

logger = logging.getLogger(__name__)

_SETTINGS = Settings.from_env()
#: Seconds to connect to a Microsoft endpoint, and to wait for its answer.
CONNECT_TIMEOUT_S = _SETTINGS.teams_connect_timeout
READ_TIMEOUT_S = _SETTINGS.teams_read_timeout
#: An access token is renewed this long before it expires.
TOKEN_EXPIRY_MARGIN = datetime.timedelta(minutes=5)
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"


def client_timeout() -> aiohttp.ClientTimeout:
    """Connect and read timeouts of every call to Microsoft (read at call time)."""
    return aiohttp.ClientTimeout(
        total=CONNECT_TIMEOUT_S + READ_TIMEOUT_S,
        connect=CONNECT_TIMEOUT_S,
        sock_connect=CONNECT_TIMEOUT_S,
        sock_read=READ_TIMEOUT_S,
    )


class CheckedBotFramework(BotFramework):
    """Rasa's Bot Framework output channel with asynchronous, time-limited calls."""

    #: token URL -> {app id -> (expiry, headers)}; shared by every conversation.
    _token_cache: ClassVar[dict[tuple[str, str], tuple[datetime.datetime, dict[str, Any]]]] = {}

    def __init__(
        self,
        app_id: str,
        app_password: str,
        conversation: dict[str, Any],
        bot: Any,
        service_url: str,
        token_url: str,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.token_url = token_url

    async def _get_headers(self) -> dict[str, Any] | None:
        key = (self.token_url, self.app_id)
        cached = self._token_cache.get(key)
        if cached and cached[0] > datetime.datetime.now():
            return cached[1]
        form = {
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "grant_type": "client_credentials",
            "scope": BOT_FRAMEWORK_SCOPE,
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=client_timeout()) as session,
                session.post(self.token_url, data=form) as reply,
            ):
                if reply.status >= 400:
                    logger.error("Could not get a Bot Framework token (HTTP %s).", reply.status)
                    return None
                token_data = await reply.json(content_type=None)
            headers = {"content-type": "application/json", "Authorization": f"Bearer {token_data['access_token']}"}
            lifetime = datetime.timedelta(seconds=int(token_data.get("expires_in", 3600)))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as error:
            logger.error("Could not get a Bot Framework token: %s", type(error).__name__)
            return None
        self._token_cache[key] = (datetime.datetime.now() + lifetime - TOKEN_EXPIRY_MARGIN, headers)
        return headers

    async def send(self, message_data: dict[str, Any]) -> None:
        """POST one activity to the conversation (errors are logged, not raised)."""
        headers = await self._get_headers()
        if headers is None:
            return
        conversation_id = quote(str(self.conversation.get("id", "")), safe=":@!$&'()*+,;=-._~")
        url = f"{self.global_uri}conversations/{conversation_id}/activities"
        try:
            async with (
                aiohttp.ClientSession(timeout=client_timeout()) as session,
                session.post(url, headers=headers, data=json.dumps(message_data)) as reply,
            ):
                if reply.status >= 400:
                    logger.error("Teams refused an answer (HTTP %s).", reply.status)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            # Neither the URL nor the error text: they carry the conversation id.
            logger.error("An answer could not be sent to Teams: %s", type(error).__name__)


def _text(status: int, message: str) -> HTTPResponse:
    return response.text(message, status=status)


class CheckedBotFrameworkInput(BotFrameworkInput):
    """The Teams input channel of the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    #: The output channel made for each message.
    output_class: type[CheckedBotFramework] = CheckedBotFramework

    @classmethod
    def options(cls, credentials: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of ``__init__`` read from the credentials."""
        return {
            "openid_metadata_url": credentials.get("openid_metadata_url"),
            "login_url": credentials.get("login_url"),
        }

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()  # raises
        assert credentials is not None
        return cls(credentials.get("app_id"), credentials.get("app_password"), **cls.options(credentials))

    def __init__(
        self,
        app_id: str | None,
        app_password: str | None,
        openid_metadata_url: str | None = None,
        login_url: str | None = None,
    ) -> None:
        # Not BotFrameworkInput.__init__: it fetched the keys with a blocking call at
        # start-up. They are fetched (asynchronously) by the first request.
        self.app_id = str(app_id or "")
        self.app_password = str(app_password or "")
        self.openid_metadata_url = openid_metadata_url
        self.login_url = login_url.rstrip("/") if login_url else None
        self.signing_keys = SigningKeys(client_timeout)
        self.jwt_keys: dict[str, Any] = {}
        self.jwt_update_time = datetime.datetime.fromtimestamp(0)

    def metadata_url(self) -> str:
        # Rasa's module constant is read at call time (tests point it at a local server).
        return self.openid_metadata_url or rasa_botframework.MICROSOFT_OPEN_ID_URI

    def token_url(self) -> str:
        """Where the bot gets its access token (multi-tenant authority)."""
        authority = self.login_url or rasa_botframework.MICROSOFT_OAUTH2_URL
        return f"{authority}/{rasa_botframework.MICROSOFT_OAUTH2_PATH}"

    def output_channel(self, activity: dict[str, Any]) -> CheckedBotFramework:
        return self.output_class(
            self.app_id,
            self.app_password,
            activity["conversation"],
            activity["recipient"],
            activity["serviceUrl"],
            self.token_url(),
        )

    async def _activity(self, request: Request) -> dict[str, Any] | HTTPResponse:
        """The request's activity once its token is checked, or the error response."""
        try:
            claims, jwk = await verify_token(
                request.headers.get("Authorization"), self.app_id, self.signing_keys, self.metadata_url()
            )
        except KeysUnavailable:
            return _text(503, "Signing keys unavailable.")
        except TokenRefused as refused:
            logger.warning("Teams request refused: %s.", refused)
            return _text(401, "Could not validate JWT token.")
        try:
            activity = loads_limited((request.body or b"").decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _text(400, "The activity is not valid JSON.")
        if not isinstance(activity, dict):
            return _text(400, "The activity must be a JSON object.")
        try:
            check_activity(claims, jwk, activity)
        except TokenRefused as refused:
            logger.warning("Teams request refused: %s.", refused)
            return _text(401, "Could not validate JWT token.")
        return activity

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("botframework_webhook", __name__)
        handle = guard(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            activity = await self._activity(request)
            if isinstance(activity, HTTPResponse):
                return activity
            if activity.get("type") != "message":
                return response.text("success")
            sender = (activity.get("from") or {}).get("id") if isinstance(activity.get("from"), dict) else None
            conversation, recipient = activity.get("conversation"), activity.get("recipient")
            text = activity.get("text") or ""
            if (
                not valid_sender(sender)
                or not isinstance(conversation, dict)
                or not isinstance(conversation.get("id"), str)
                or not isinstance(recipient, dict)
                or not isinstance(text, str)
            ):
                return _text(400, "The message activity is incomplete.")
            metadata = self.add_attachments_to_metadata(activity, self.get_metadata(request))
            await handle(
                UserMessage(
                    text,
                    self.output_channel(activity),
                    sender,
                    input_channel=self.name(),
                    metadata=None if metadata_problem(metadata) else metadata,
                )
            )
            return response.text("success")

        return webhook
