"""Microsoft Teams (Bot Framework) channel: JWT validation and the Adaptive Card reply.

Nothing leaves the machine. Two local HTTP servers stand for Microsoft:

- ``identity`` plays login.botframework.com (OpenID metadata and JWKS with a key
  generated here) and login.microsoftonline.com (OAuth2 client-credentials tokens);
- ``connector`` plays the Bot Connector ``serviceUrl`` and records the activities the
  bot POSTs to ``/v3/conversations/<id>/activities``.

Rasa's channel reads the URLs from module constants (``MICROSOFT_OPEN_ID_URI``,
``MICROSOFT_OAUTH2_URL``) at call time, so they are pointed at ``identity``. Incoming
activities carry a JWT signed with the local RSA key, as the Bot Connector signs them.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.botframework import BotFramework
from rasa.core.run import configure_app, create_http_input_channels
from rasa.shared.exceptions import InvalidConfigException

from channels import botframework_tenant
from channels.botframework_tenant import BotFrameworkTenant, BotFrameworkTenantInput

REPO_ROOT = Path(__file__).resolve().parents[2]
ADVISERS_CREDENTIALS = REPO_ROOT / "credentials.advisers.yml"

APP_ID = "00000000-1111-2222-3333-444444444444"
APP_PASSWORD = "test-client-secret"
TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
KEY_ID = "test-signing-key"
CONVERSATION_ID = "a:1conversation-personnelle"
ADVISER_ID = "29:1adviser-teams-id"
BOT_ACCOUNT = {"id": f"28:{APP_ID}", "name": "Assistant Pro-A"}


class FakeMicrosoft:
    """A threaded HTTP server on 127.0.0.1 that records requests and answers them."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.jwks: dict[str, Any] = {"keys": []}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                owner.requests.append({"method": "GET", "path": self.path})
                if self.path == "/v1/.well-known/openidconfiguration":
                    self._reply(200, {
                        "issuer": "https://api.botframework.com",
                        "jwks_uri": f"{owner.url}/v1/.well-known/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    })
                elif self.path == "/v1/.well-known/keys":
                    self._reply(200, owner.jwks)
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                record = {
                    "method": "POST",
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": raw.decode(),
                }
                owner.requests.append(record)
                if self.path.endswith("/oauth2/v2.0/token"):
                    tenant = self.path.split("/")[1]
                    self._reply(200, {
                        "token_type": "Bearer",
                        "expires_in": 3599,
                        "access_token": f"access-token-from-{tenant}",
                    })
                elif "/v3/conversations/" in self.path:
                    self._reply(200, {"id": "1767261601000"})
                else:
                    self._reply(404, {"error": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def posts(self, path_part: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST" and path_part in r["path"]]

    def __enter__(self) -> "FakeMicrosoft":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture
def identity(signing_key, monkeypatch) -> Iterator[FakeMicrosoft]:
    with FakeMicrosoft() as server:
        jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
        server.jwks["keys"].append(jwk)
        monkeypatch.setattr(
            rasa_botframework,
            "MICROSOFT_OPEN_ID_URI",
            f"{server.url}/v1/.well-known/openidconfiguration",
        )
        monkeypatch.setattr(rasa_botframework, "MICROSOFT_OAUTH2_URL", server.url)
        monkeypatch.setattr(botframework_tenant, "OAUTH2_AUTHORITY", server.url)
        # Access tokens are cached at class level: start each test without one.
        monkeypatch.setattr(
            BotFramework, "token_expiration_date", datetime.datetime.fromtimestamp(0)
        )
        monkeypatch.setattr(BotFramework, "headers", None)
        monkeypatch.setattr(BotFrameworkTenant, "_token_cache", {})
        yield server


@pytest.fixture
def connector() -> Iterator[FakeMicrosoft]:
    with FakeMicrosoft() as server:
        yield server


@pytest.fixture
def teams_env(monkeypatch) -> None:
    monkeypatch.setenv("MS_APP_ID", APP_ID)
    monkeypatch.setenv("MS_APP_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("MS_TENANT_ID", TENANT_ID)
    # The whole credentials file is expanded, so the Slack variables must be set too.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "unused")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "unused")


def bot_connector_token(
    key: rsa.RSAPrivateKey,
    service_url: str,
    audience: str = APP_ID,
    lifetime: int = 3600,
    kid: str = KEY_ID,
) -> str:
    """A JWT shaped like those the Bot Connector sends to the bot."""
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 300,
        "iat": now - 300,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def teams_activity(service_url: str, text: str = "Un soudeur peut-il faire une Pro-A ?") -> dict:
    return {
        "type": "message",
        "id": "1767261600000",
        "timestamp": "2026-01-01T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": ADVISER_ID, "name": "Camille Conseillère", "aadObjectId": "f0f0"},
        "conversation": {
            "id": CONVERSATION_ID,
            "conversationType": "personal",
            "tenantId": TENANT_ID,
        },
        "recipient": BOT_ACCOUNT,
        "text": text,
        "textFormat": "plain",
        "locale": "fr-FR",
        "channelData": {"tenant": {"id": TENANT_ID}},
    }


def post_activity(base_url: str, activity: dict, token: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(
        f"{base_url}/webhooks/botframework/webhook",
        data=json.dumps(activity),
        headers=headers,
        timeout=20,
    )


@pytest.fixture
def teams_url(identity, connector, teams_env, fake_agent, serve_app) -> Iterator[str]:
    """Rasa app with the ``botframework`` channel of ``credentials.advisers.yml``."""
    channels = create_http_input_channels("botframework", str(ADVISERS_CREDENTIALS))
    app = configure_app(channels, enable_api=False)
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        yield base_url


def test_signed_activity_is_answered_with_an_adaptive_card(
    teams_url, identity, connector, signing_key, fake_agent, sample_payload
):
    token = bot_connector_token(signing_key, connector.url)

    response = post_activity(teams_url, teams_activity(connector.url), token)

    assert response.status_code == 200, response.text
    assert not fake_agent.errors
    [message] = fake_agent.messages
    assert message.text == "Un soudeur peut-il faire une Pro-A ?"
    assert message.sender_id == ADVISER_ID
    assert message.input_channel == "botframework"

    # The keys were fetched from the (fake) OpenID metadata.
    assert {"method": "GET", "path": "/v1/.well-known/keys"} in identity.requests
    # The bot got its access token from the multi-tenant authority ...
    [token_request] = identity.posts("/oauth2/v2.0/token")
    assert token_request["path"] == "/botframework.com/oauth2/v2.0/token"
    form = parse_qs(token_request["body"])
    assert form == {
        "client_id": [APP_ID],
        "client_secret": [APP_PASSWORD],
        "grant_type": ["client_credentials"],
        "scope": ["https://api.botframework.com/.default"],
    }
    # ... and posted one activity to the conversation, with that token.
    [reply] = connector.posts("/activities")
    assert reply["path"] == f"/v3/conversations/{CONVERSATION_ID}/activities"
    assert reply["headers"]["Authorization"] == "Bearer access-token-from-botframework.com"
    activity = json.loads(reply["body"])
    assert activity["type"] == "message"
    assert activity["recipient"] == {"id": ADVISER_ID}
    assert activity["from"] == BOT_ACCOUNT
    assert activity["text"] == ""
    assert activity["summary"] == sample_payload["text"]
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["body"][0] == {"type": "TextBlock", "text": sample_payload["text"], "wrap": True}
    certification_texts = [item["text"] for item in card["body"][1]["items"]]
    assert certification_texts == [
        "Certifications :",
        "• **TP Soudeur** — "
        "[RNCP9467](https://www.francecompetences.fr/recherche/rncp/9467/) (niveau 3)",
        "• **TP Soudeur assembleur industriel** — "
        "[RNCP34502](https://www.francecompetences.fr/recherche/rncp/34502/) (niveau 3)",
        "• **CQP/CQPM Soudeur industriel** — RNCP19460 (sans niveau)",
    ]
    assert "4 autres certifications" in card["body"][2]["text"]
    assert card["body"][3]["text"] == (
        "Source : [Accord du 22 janvier 2021 (IDCC 2378), art. 2]"
        "(https://www.legifrance.gouv.fr/conv_coll/id/KALITEXT000043688159)"
    )
    # « Voir plus » first (the list goes on), then the answer's quick replies.
    assert [a["type"] for a in card["actions"]] == ["Action.Submit"] * 3
    assert [a["data"]["msteams"]["text"] for a in card["actions"]] == ["/show_more"] + [
        b["payload"] for b in sample_payload["buttons"]
    ]


def test_button_click_reaches_rasa_as_the_payload(
    teams_url, connector, signing_key, fake_agent
):
    # A messageBack button sends its `text` (the Rasa payload) as the message text.
    activity = teams_activity(connector.url, text="/ask_duration")
    activity["value"] = {"msteams": {"type": "messageBack", "text": "/ask_duration"}}

    response = post_activity(teams_url, activity, bot_connector_token(signing_key, connector.url))

    assert response.status_code == 200
    assert fake_agent.messages[0].text == "/ask_duration"


def test_token_signed_with_another_key_is_refused(teams_url, connector, fake_agent):
    forged = bot_connector_token(new_key(), connector.url)  # same kid, wrong key

    response = post_activity(teams_url, teams_activity(connector.url), forged)

    assert response.status_code == 401
    assert not fake_agent.messages
    assert not connector.posts("/activities")


def test_token_with_unknown_key_id_is_refused(teams_url, connector, signing_key, fake_agent):
    token = bot_connector_token(signing_key, connector.url, kid="unknown-key")

    response = post_activity(teams_url, teams_activity(connector.url), token)

    assert response.status_code == 401
    assert not fake_agent.messages


def test_token_for_another_bot_is_refused(teams_url, connector, signing_key, fake_agent):
    token = bot_connector_token(signing_key, connector.url, audience="another-app-id")

    response = post_activity(teams_url, teams_activity(connector.url), token)

    assert response.status_code == 401
    assert not fake_agent.messages


def test_expired_token_is_refused(teams_url, connector, signing_key, fake_agent):
    token = bot_connector_token(signing_key, connector.url, lifetime=-60)

    response = post_activity(teams_url, teams_activity(connector.url), token)

    assert response.status_code == 401
    assert not fake_agent.messages


def test_unsigned_token_is_refused(teams_url, connector, fake_agent):
    now = int(time.time())
    unsigned = jwt.encode(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": now + 3600},
        None,
        algorithm="none",
        headers={"kid": KEY_ID},
    )

    response = post_activity(teams_url, teams_activity(connector.url), unsigned)

    assert response.status_code == 401
    assert not fake_agent.messages


def test_request_without_token_is_refused(teams_url, connector, fake_agent):
    response = post_activity(teams_url, teams_activity(connector.url), token=None)

    assert response.status_code == 401
    assert not fake_agent.messages


# --- single-tenant bots -----------------------------------------------------------

TENANT_CREDENTIALS = """\
channels.botframework_tenant.BotFrameworkTenantInput:
  app_id: ${MS_APP_ID}
  app_password: ${MS_APP_PASSWORD}
  tenant_id: ${MS_TENANT_ID}
"""


def test_credentials_file_documents_the_single_tenant_block():
    # The block above is the one commented in credentials.advisers.yml.
    commented = "\n".join(
        line[2:]
        for line in ADVISERS_CREDENTIALS.read_text(encoding="utf-8").splitlines()
        if line.startswith("# channels.botframework_tenant") or line.startswith("#   ")
    )
    for line in TENANT_CREDENTIALS.splitlines():
        assert line in commented


def test_single_tenant_bot_gets_its_token_from_its_tenant(
    identity, connector, teams_env, fake_agent, serve_app, signing_key, tmp_path
):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(TENANT_CREDENTIALS, encoding="utf-8")
    channels = create_http_input_channels(None, str(credentials))
    assert isinstance(channels[0], BotFrameworkTenantInput)
    assert channels[0].tenant_id == TENANT_ID
    app = configure_app(channels, enable_api=False)
    app.ctx.agent = fake_agent

    with serve_app(app) as base_url:
        token = bot_connector_token(signing_key, connector.url)
        first = post_activity(base_url, teams_activity(connector.url), token)
        second = post_activity(base_url, teams_activity(connector.url, "Et la durée ?"), token)

    assert first.status_code == second.status_code == 200
    assert fake_agent.messages[0].input_channel == "botframework"
    assert isinstance(fake_agent.messages[0].output_channel, BotFrameworkTenant)
    # One token request, to the bot's tenant; the token is reused for the 2nd reply.
    [token_request] = identity.posts("/oauth2/v2.0/token")
    assert token_request["path"] == f"/{TENANT_ID}/oauth2/v2.0/token"
    assert parse_qs(token_request["body"])["client_id"] == [APP_ID]
    replies = connector.posts("/activities")
    assert [r["path"] for r in replies] == [
        f"/v3/conversations/{CONVERSATION_ID}/activities"
    ] * 2
    assert {r["headers"]["Authorization"] for r in replies} == {
        f"Bearer access-token-from-{TENANT_ID}"
    }
    card = json.loads(replies[0]["body"])["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"


def test_single_tenant_bot_still_refuses_a_forged_token(
    identity, connector, teams_env, fake_agent, serve_app, tmp_path
):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(TENANT_CREDENTIALS, encoding="utf-8")
    app = configure_app(create_http_input_channels(None, str(credentials)), enable_api=False)
    app.ctx.agent = fake_agent

    with serve_app(app) as base_url:
        forged = bot_connector_token(new_key(), connector.url)
        response = post_activity(base_url, teams_activity(connector.url), forged)

    assert response.status_code == 401
    assert not fake_agent.messages
    assert not identity.posts("/oauth2/v2.0/token")


@pytest.mark.parametrize("tenant_id", [None, "", "  ", "evil.example/../x", "a b"])
def test_single_tenant_channel_needs_a_valid_tenant_id(identity, tenant_id):
    with pytest.raises(InvalidConfigException):
        BotFrameworkTenantInput.from_credentials(
            {"app_id": APP_ID, "app_password": APP_PASSWORD, "tenant_id": tenant_id}
        )
