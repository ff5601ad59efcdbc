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

:class:`CheckedBotFramework` (the output channel) gets the access token and posts the
answers with aiohttp, with connect and read timeouts (:data:`CONNECT_TIMEOUT_S`,
:data:`READ_TIMEOUT_S`): a slow ``serviceUrl`` delays only its own conversation. A
failed post is logged without URL nor conversation id.

The message handler is :func:`channels.guarded.guard`: the text is cleaned like on the
other channels, and when the action server is down or slow the adviser gets the busy
message (and only it), as REST and web chat users do.

Credentials (``credentials.advisers.yml``)::

    channels.botframework_checked.CheckedBotFrameworkInput:
      app_id: ${MS_APP_ID}
      app_password: ${MS_APP_PASSWORD}
      # openid_metadata_url / login_url: only for another Microsoft cloud (or a test)

Once the project's channels are loaded (``channels.guarded`` first in the credentials
files), Rasa's built-in ``botframework:`` key means this channel too (:func:`register_builtin`).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels import BUILTIN_CHANNELS
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guarded import guard
from channels.input_checks import env_int, loads_limited, metadata_problem, valid_sender

logger = logging.getLogger(__name__)

#: Issuer of the Bot Connector's tokens when the OpenID metadata names none.
BOT_CONNECTOR_ISSUER = "https://api.botframework.com"
#: Algorithms accepted when the metadata lists some (only RSA signatures, ever).
RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
#: Seconds to connect to a Microsoft endpoint, and to wait for its answer.
CONNECT_TIMEOUT_S = env_int("PROA_TEAMS_CONNECT_TIMEOUT", 5)
READ_TIMEOUT_S = env_int("PROA_TEAMS_READ_TIMEOUT", 10)
#: Longest token accepted (Bot Connector tokens are about 1.5 kB).
MAX_TOKEN_CHARS = 8192
#: Clock skew allowed on ``exp`` and ``nbf`` (Microsoft's SDKs allow 5 minutes; Rasa
#: none: a server kept on time needs little).
CLOCK_SKEW_S = 30
#: The signing keys are fetched again after this long ...
KEYS_LIFETIME_S = 24 * 3600
#: ... or for an unknown ``kid``, at most this often.
UNKNOWN_KID_REFETCH_S = 300
#: After a failed fetch, the next attempt waits this long (requests meanwhile get a 503).
FAILED_FETCH_RETRY_S = 30
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


class TokenRefused(Exception):
    """The request's token does not pass a check (the reason is the message)."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched: no token can be checked."""


class SigningKeys:
    """The Bot Connector's OpenID metadata and signing keys, fetched and cached."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}
        self.issuer = BOT_CONNECTOR_ISSUER
        self.algorithms: tuple[str, ...] = ("RS256",)
        self._fetched_at: float | None = None  # time.monotonic() of the last good fetch
        self._tried_at: float | None = None
        self._lock: asyncio.Lock | None = None

    async def key(self, metadata_url: str, kid: str) -> dict[str, Any] | None:
        """The JWK named ``kid``, or None; raises :class:`KeysUnavailable`."""
        now = time.monotonic()
        since_try = float("inf") if self._tried_at is None else now - self._tried_at
        stale = self._fetched_at is None or now - self._fetched_at > KEYS_LIFETIME_S
        unknown = kid not in self.keys and since_try > UNKNOWN_KID_REFETCH_S
        if (stale and since_try > FAILED_FETCH_RETRY_S) or unknown:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._tried_at is None or self._tried_at < now:  # not refreshed meanwhile
                    await self._fetch(metadata_url)
        if self._fetched_at is None:
            raise KeysUnavailable()
        return self.keys.get(kid)

    async def _fetch(self, metadata_url: str) -> None:
        self._tried_at = time.monotonic()
        try:
            async with aiohttp.ClientSession(timeout=client_timeout()) as session:
                async with session.get(metadata_url) as reply:
                    reply.raise_for_status()
                    metadata = await reply.json(content_type=None)
                async with session.get(str(metadata["jwks_uri"])) as reply:
                    reply.raise_for_status()
                    jwks = await reply.json(content_type=None)
            keys = {
                str(key["kid"]): key
                for key in jwks["keys"]
                if isinstance(key, dict) and isinstance(key.get("kid"), str) and key.get("kty") == "RSA"
            }
            algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as error:
            logger.warning("Could not fetch the Bot Framework signing keys: %s", type(error).__name__)
            return
        self.keys = keys
        self.issuer = str(metadata.get("issuer") or BOT_CONNECTOR_ISSUER)
        self.algorithms = tuple(alg for alg in algorithms if alg in RSA_ALGORITHMS) or ("RS256",)
        self._fetched_at = time.monotonic()


async def verify_token(
    auth_header: str | None, app_id: str, keys: SigningKeys, metadata_url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The claims of the request's token and its JWK, once signature, algorithm,
    issuer, audience and validity period are checked; raises :class:`TokenRefused`."""
    if not auth_header:
        raise TokenRefused("no Authorization header")
    scheme, _, token = auth_header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenRefused("no Bearer token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRefused("unreadable token") from None
    kid, algorithm = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or not kid:
        raise TokenRefused("no key id")
    jwk = await keys.key(metadata_url, kid)
    if jwk is None:
        raise TokenRefused("unknown key id")
    if algorithm not in keys.algorithms:
        raise TokenRefused("algorithm not allowed")
    try:
        public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        claims = jwt.decode(
            token,
            key=public_key,  # type: ignore[arg-type]
            algorithms=[str(algorithm)],
            audience=app_id,
            issuer=keys.issuer,
            leeway=CLOCK_SKEW_S,
            options={"require": ["exp", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise TokenRefused(type(error).__name__) from None
    return claims, jwk


def check_activity(claims: dict[str, Any], jwk: dict[str, Any], activity: dict[str, Any]) -> None:
    """The activity is the one the token was issued for; raises :class:`TokenRefused`."""
    claimed = claims.get("serviceurl", claims.get("serviceUrl"))
    service_url = activity.get("serviceUrl")
    if not isinstance(claimed, str) or not isinstance(service_url, str):
        raise TokenRefused("no serviceUrl")
    if claimed.rstrip("/") != service_url.rstrip("/"):
        raise TokenRefused("serviceUrl differs from the token's")
    endorsements = jwk.get("endorsements")
    if isinstance(endorsements, list) and endorsements and activity.get("channelId") not in endorsements:
        raise TokenRefused("channel not endorsed by the key")


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
        self.signing_keys = SigningKeys()
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


def register_builtin() -> None:
    """Make Rasa's built-in ``botframework`` credentials key create this channel."""
    BUILTIN_CHANNELS[CheckedBotFrameworkInput.name()] = CheckedBotFrameworkInput


register_builtin()
