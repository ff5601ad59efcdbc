"""Bot Framework (Microsoft Teams) channel for a single-tenant Azure Bot.

Rasa 3.6's ``BotFramework`` output channel always asks the multi-tenant authority for
its access token (``https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token``)
and has no tenant setting. An Azure Bot registered as *single tenant* (the only kind
Azure creates since mid-2023) must get its token from its own tenant instead:
``https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token``.

This module changes only that. Everything else is
:class:`channels.botframework_checked.CheckedBotFrameworkInput`: the Bot Connector's
token is checked the whole way (signature with a key of the OpenID metadata, algorithm,
issuer, audience = app id, expiry, ``serviceurl`` claim = the activity's
``serviceUrl``), the calls to Microsoft are asynchronous with timeouts, and the adviser
gets the busy message when the action server is down. The webhook stays
``/webhooks/botframework/webhook`` and the input channel name stays ``botframework``
(so ``tracker.get_latest_input_channel()`` and ``bot.render`` see the same name).
Credentials::

    channels.botframework_tenant.BotFrameworkTenantInput:
      app_id: ${MS_APP_ID}
      app_password: ${MS_APP_PASSWORD}
      tenant_id: ${MS_TENANT_ID}
"""

from __future__ import annotations

import re
from typing import Any

from rasa.shared.exceptions import InvalidConfigException

from channels.botframework_checked import CheckedBotFramework, CheckedBotFrameworkInput

# Read at call time, so tests can point it at a local server.
OAUTH2_AUTHORITY = "https://login.microsoftonline.com"
# A directory (tenant) id is a GUID or a domain name (contoso.onmicrosoft.com).
TENANT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


class BotFrameworkTenant(CheckedBotFramework):
    """Output channel that gets its access token from the bot's own tenant (the token
    URL names the tenant; the cache is keyed by that URL)."""


class BotFrameworkTenantInput(CheckedBotFrameworkInput):
    """:class:`CheckedBotFrameworkInput` whose replies use :class:`BotFrameworkTenant`."""

    output_class = BotFrameworkTenant

    @classmethod
    def name(cls) -> str:
        return "botframework"

    @classmethod
    def options(cls, credentials: dict[str, Any]) -> dict[str, Any]:
        return {**super().options(credentials), "tenant_id": credentials.get("tenant_id")}

    def __init__(
        self,
        app_id: str | None,
        app_password: str | None,
        tenant_id: str | None = None,
        openid_metadata_url: str | None = None,
        login_url: str | None = None,
    ) -> None:
        tenant_id = str(tenant_id or "").strip()
        if not TENANT_ID_PATTERN.match(tenant_id):
            raise InvalidConfigException(
                "The Bot Framework channel for a single-tenant bot needs `tenant_id` "
                "(the Directory (tenant) ID of the Azure Bot's app registration)."
            )
        self.tenant_id = tenant_id
        super().__init__(app_id, app_password, openid_metadata_url=openid_metadata_url, login_url=login_url)

    def token_url(self) -> str:
        return f"{self.login_url or OAUTH2_AUTHORITY}/{self.tenant_id}/oauth2/v2.0/token"
