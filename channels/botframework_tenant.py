"""Bot Framework (Microsoft Teams) channel for a single-tenant Azure Bot.

Rasa 3.6's ``BotFramework`` output channel always asks the multi-tenant authority for
its access token (``https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token``)
and has no tenant setting. An Azure Bot registered as *single tenant* (the only kind
Azure creates since mid-2023) must get its token from its own tenant instead:
``https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token``.

This module changes only that. Incoming requests are still validated by Rasa's
``BotFrameworkInput`` (JWT signed with the Bot Connector keys, audience = app id), the
webhook stays ``/webhooks/botframework/webhook`` and the input channel name stays
``botframework`` (so ``tracker.get_latest_input_channel()`` and ``bot.render`` see the
same name). Credentials::

    channels.botframework_tenant.BotFrameworkTenantInput:
      app_id: ${MS_APP_ID}
      app_password: ${MS_APP_PASSWORD}
      tenant_id: ${MS_TENANT_ID}
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import requests
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint

logger = logging.getLogger(__name__)

# Read at call time, so tests can point it at a local server.
OAUTH2_AUTHORITY = "https://login.microsoftonline.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
# A token is renewed this long before it expires.
TOKEN_EXPIRY_MARGIN = datetime.timedelta(minutes=5)
# A directory (tenant) id is a GUID or a domain name (contoso.onmicrosoft.com).
TENANT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


class BotFrameworkTenant(BotFramework):
    """Output channel that gets its access token from the bot's own tenant."""

    # (tenant_id, app_id) -> (expiry, headers); shared by all conversations.
    _token_cache: ClassVar[dict[tuple[str, str], tuple[datetime.datetime, dict]]] = {}

    def __init__(
        self,
        app_id: str,
        app_password: str,
        conversation: dict[str, Any],
        bot: str,
        service_url: str,
        tenant_id: str,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.tenant_id = tenant_id

    @classmethod
    def from_output_channel(cls, channel: BotFramework, tenant_id: str) -> BotFrameworkTenant:
        """Same conversation, bot and service URL as ``channel``, with a tenant."""
        service_url = channel.global_uri[: -len("v3/")]
        return cls(
            channel.app_id,
            channel.app_password,
            channel.conversation,
            channel.bot,
            service_url,
            tenant_id,
        )

    def token_url(self) -> str:
        return f"{OAUTH2_AUTHORITY}/{self.tenant_id}/oauth2/v2.0/token"

    async def _get_headers(self) -> dict[str, Any] | None:
        key = (self.tenant_id, self.app_id)
        cached = self._token_cache.get(key)
        if cached and cached[0] > datetime.datetime.now():
            return cached[1]

        token_response = requests.post(
            self.token_url(),
            data={
                "client_id": self.app_id,
                "client_secret": self.app_password,
                "grant_type": "client_credentials",
                "scope": BOT_FRAMEWORK_SCOPE,
            },
            timeout=30,
        )
        if not token_response.ok:
            logger.error(
                "Could not get a Bot Framework token from tenant %s (HTTP %s).",
                self.tenant_id,
                token_response.status_code,
            )
            return None

        token_data = token_response.json()
        headers = {
            "content-type": "application/json",
            "Authorization": f"Bearer {token_data['access_token']}",
        }
        lifetime = datetime.timedelta(seconds=int(token_data.get("expires_in", 3600)))
        self._token_cache[key] = (
            datetime.datetime.now() + lifetime - TOKEN_EXPIRY_MARGIN,
            headers,
        )
        return headers


class BotFrameworkTenantInput(BotFrameworkInput):
    """``BotFrameworkInput`` whose replies use ``BotFrameworkTenant``."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()  # raises
        assert credentials is not None
        return cls(
            credentials.get("app_id"),
            credentials.get("app_password"),
            credentials.get("tenant_id"),
        )

    def __init__(self, app_id: str | None, app_password: str | None, tenant_id: str | None) -> None:
        tenant_id = str(tenant_id or "").strip()
        if not TENANT_ID_PATTERN.match(tenant_id):
            raise InvalidConfigException(
                "The Bot Framework channel for a single-tenant bot needs `tenant_id` "
                "(the Directory (tenant) ID of the Azure Bot's app registration)."
            )
        self.tenant_id = tenant_id
        super().__init__(app_id, app_password)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        tenant_id = self.tenant_id

        async def with_tenant_output(message: UserMessage) -> Any:
            channel = message.output_channel
            if isinstance(channel, BotFramework) and not isinstance(channel, BotFrameworkTenant):
                message.output_channel = BotFrameworkTenant.from_output_channel(channel, tenant_id)
            return await on_new_message(message)

        return super().blueprint(with_tenant_output)
