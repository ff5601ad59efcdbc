"""Microsoft Teams (Bot Framework) channel: JWT validation and the Adaptive Card reply.

Nothing leaves the machine. Two local HTTP servers stand for Microsoft:

- ``identity`` plays login.botframework.com (OpenID metadata and JWKS with a key
  generated here) and login.microsoftonline.com (OAuth2 client-credentials tokens);
- ``connector`` plays the Bot Connector ``serviceUrl`` and records the activities the
  bot POSTs to ``/v3/conversations/<id>/activities``.

The channels read the URLs from module constants (``MICROSOFT_OPEN_ID_URI``,
``MICROSOFT_OAUTH2_URL``) at call time, so they are pointed at ``identity``. Incoming
activities carry a JWT signed with the local RSA key, as the Bot Connector signs them.
The fakes are in tests/channels/fakes.py (shared with tests/e2e/test_security.py).

Issue 21 (second half of this file): both Teams inputs (the multi-tenant one of
credentials.advisers.yml and ``BotFrameworkTenantInput``) refuse with a 401, never a
500, a token from another issuer, for another ``serviceUrl`` (the answer and the bot's
access token would go to that URL), signed with HMAC under a trusted ``kid``, or
otherwise unreadable; a slow ``serviceUrl`` delays only its own conversation; the
adviser gets the busy message when the action server fails; no conversation id in the
log.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.botframework import BotFramework
from rasa.core.run import configure_app, create_http_input_channels
from rasa.shared.exceptions import InvalidConfigException

from channels import botframework_tenant
from channels.botframework_tenant import BotFrameworkTenant, BotFrameworkTenantInput
from tests.channels.fakes import (
    ADVISER_ID,
    APP_ID,
    APP_PASSWORD,
    BOT_ACCOUNT,
    CONVERSATION_ID,
    KEY_ID,
    TENANT_ID,
    FakeMicrosoft,
    bot_connector_token,
    new_key,
    post_activity,
    teams_activity,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
ADVISERS_CREDENTIALS = REPO_ROOT / "credentials.advisers.yml"
#: The Teams channel of credentials.advisers.yml (Rasa's, with the token checked).
TEAMS_CONNECTOR = "channels.botframework_checked.CheckedBotFrameworkInput"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture
def identity(signing_key, monkeypatch) -> Iterator[FakeMicrosoft]:
    with FakeMicrosoft() as server:
        server.trust(signing_key)
        monkeypatch.setattr(
            rasa_botframework,
            "MICROSOFT_OPEN_ID_URI",
            f"{server.url}/v1/.well-known/openidconfiguration",
        )
        monkeypatch.setattr(rasa_botframework, "MICROSOFT_OAUTH2_URL", server.url)
        monkeypatch.setattr(botframework_tenant, "OAUTH2_AUTHORITY", server.url)
        # Access tokens are cached at class level: start each test without one.
        monkeypatch.setattr(BotFramework, "token_expiration_date", datetime.datetime.fromtimestamp(0))
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


@pytest.fixture
def teams_url(identity, connector, teams_env, fake_agent, serve_app) -> Iterator[str]:
    """Rasa app with the ``botframework`` channel of ``credentials.advisers.yml``."""
    channels = create_http_input_channels(advisers_teams_key(), str(ADVISERS_CREDENTIALS))
    app = configure_app(channels, enable_api=False)
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        yield base_url


def advisers_teams_key() -> str:
    """The key of the Teams block in credentials.advisers.yml (``TEAMS_CONNECTOR``;
    ``botframework`` before issue 21)."""
    keys = yaml.safe_load(ADVISERS_CREDENTIALS.read_text(encoding="utf-8"))
    return TEAMS_CONNECTOR if TEAMS_CONNECTOR in keys else "botframework"


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
    assert card["version"] == "1.5"
    assert card["body"][0] == {"type": "TextBlock", "text": sample_payload["text"], "wrap": True}
    certification_texts = [item["text"] for item in card["body"][1]["items"]]
    assert certification_texts == [
        "Certifications :",
        "• **TP Soudeur** — [RNCP9467](https://www.francecompetences.fr/recherche/rncp/9467/) (niveau 3)",
        "• **TP Soudeur assembleur industriel** — "
        "[RNCP34502](https://www.francecompetences.fr/recherche/rncp/34502/) (niveau 3)",
        "• **CQP/CQPM Soudeur industriel** — RNCP19460 (sans niveau)",
    ]
    # The sources are folded under « Détails et sources »; « Voir plus » is a button only.
    assert card["body"][2]["actions"][0]["title"] == "Détails et sources"
    assert [i["text"] for i in card["body"][3]["items"]] == [
        "Source :",
        "• [Accord du 22 janvier 2021 (IDCC 2378), art. 2]"
        "(https://www.legifrance.gouv.fr/conv_coll/id/KALITEXT000043688159)",
    ]
    # « Voir plus » first (the list goes on), then the answer's quick replies.
    assert [a["type"] for a in card["actions"]] == ["Action.Submit"] * 3
    assert [a["data"]["msteams"]["text"] for a in card["actions"]] == ["/show_more"] + [
        b["payload"] for b in sample_payload["buttons"]
    ]


def test_button_click_reaches_rasa_as_the_payload(teams_url, connector, signing_key, fake_agent):
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
    assert [r["path"] for r in replies] == [f"/v3/conversations/{CONVERSATION_ID}/activities"] * 2
    assert {r["headers"]["Authorization"] for r in replies} == {f"Bearer access-token-from-{TENANT_ID}"}
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


# --- issue 21: both Teams inputs check the token the whole way ----------------------


@pytest.fixture(params=["multi-tenant", "single-tenant"])
def any_teams(request, identity, connector, teams_env, serve_app, tmp_path):
    """``serve(agent)``: a Rasa app with one of the two Teams inputs, for ``agent``."""
    if request.param == "multi-tenant":
        channels = create_http_input_channels(advisers_teams_key(), str(ADVISERS_CREDENTIALS))
    else:
        credentials = tmp_path / "credentials.yml"
        credentials.write_text(TENANT_CREDENTIALS, encoding="utf-8")
        channels = create_http_input_channels(None, str(credentials))
    opened = []

    def serve(agent) -> str:
        app = configure_app(channels, enable_api=False)
        app.ctx.agent = agent
        context = serve_app(app)
        opened.append(context)
        return context.__enter__()

    yield serve
    for context in opened:
        context.__exit__(None, None, None)


@pytest.fixture
def attacker() -> Iterator[FakeMicrosoft]:
    """A server that would collect what the bot posts (and its access token)."""
    with FakeMicrosoft() as server:
        yield server


def refused(response, agent, *servers) -> None:
    assert response.status_code == 401, (response.status_code, response.text)
    assert not agent.messages
    for server in servers:
        assert not server.posts("/activities")


def test_token_from_another_issuer_is_refused(any_teams, connector, signing_key, fake_agent):
    url = any_teams(fake_agent)
    token = bot_connector_token(signing_key, connector.url, issuer="https://attacker.example")
    refused(post_activity(url, teams_activity(connector.url), token), fake_agent, connector)


def test_service_url_must_be_the_one_the_token_was_issued_for(
    any_teams, identity, connector, attacker, signing_key, fake_agent
):
    """Issue 21, finding 1: a genuine token for another serviceUrl opened any URL, and
    the bot's access token went there."""
    url = any_teams(fake_agent)
    token = bot_connector_token(signing_key, connector.url)

    response = post_activity(url, teams_activity(f"{attacker.url}/ssrf/"), token)

    refused(response, fake_agent, connector, attacker)
    assert attacker.requests == []
    assert not identity.posts("/oauth2/v2.0/token")  # no access token was even asked for


def test_token_without_service_url_claim_is_refused(any_teams, connector, signing_key, fake_agent):
    url = any_teams(fake_agent)
    claims = {key: value for key, value in fake_claims(connector.url).items() if key != "serviceurl"}
    token = bot_connector_token(signing_key, connector.url, claims=claims)
    refused(post_activity(url, teams_activity(connector.url), token), fake_agent, connector)


def fake_claims(service_url: str) -> dict:
    from tests.channels.fakes import token_claims

    return token_claims(service_url)


def test_hs256_token_with_a_trusted_key_id_is_refused(any_teams, identity, connector, signing_key, fake_agent):
    """Issue 21, finding 3: HS256 under a trusted ``kid`` gave a 500."""
    from cryptography.hazmat.primitives import serialization

    from tests.channels.fakes import hs256_token

    url = any_teams(fake_agent)
    jwk = identity.jwks["keys"][0]
    pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for secret in (pem, jwk["n"].encode(), b"anything"):
        response = post_activity(url, teams_activity(connector.url), hs256_token(secret, connector.url))
        refused(response, fake_agent, connector)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "a" * 6_000,
        "NO_KID",
        "NOT_YET_VALID",
        "RS512",
    ],
    ids=["bearer-alone", "not-a-jwt", "three-dots", "basic", "long", "no-kid", "not-yet-valid", "rs512"],
)
def test_any_bad_token_is_a_401_never_a_500(any_teams, connector, signing_key, fake_agent, header):
    url = any_teams(fake_agent)
    if header == "NO_KID":
        header = "Bearer " + jwt.encode(fake_claims(connector.url), signing_key, algorithm="RS256")
    elif header == "NOT_YET_VALID":
        claims = {**fake_claims(connector.url), "nbf": int(time.time()) + 3600}
        header = "Bearer " + bot_connector_token(signing_key, connector.url, claims=claims)
    elif header == "RS512":  # not an algorithm the OpenID metadata lists
        header = "Bearer " + jwt.encode(
            fake_claims(connector.url), signing_key, algorithm="RS512", headers={"kid": KEY_ID}
        )
    response = requests.post(
        f"{url}/webhooks/botframework/webhook",
        data=json.dumps(teams_activity(connector.url)),
        headers={"Content-Type": "application/json", "Authorization": header},
        timeout=20,
    )
    refused(response, fake_agent, connector)


def test_keys_are_not_fetched_when_the_channel_is_created(identity, teams_env):
    """Rasa fetched the signing keys with a blocking call when the channel was created
    (no network: no start); they are fetched by the first request, asynchronously."""
    create_http_input_channels(advisers_teams_key(), str(ADVISERS_CREDENTIALS))
    assert identity.requests == []


def test_slow_service_url_delays_only_its_own_conversation(any_teams, identity, signing_key, fake_agent, monkeypatch):
    """Issue 21, finding 2: a serviceUrl that holds the connection froze the server."""
    checked = importlib.util.find_spec("channels.botframework_checked")
    if checked is not None:  # (absent before issue 21: the test then shows the freeze)
        monkeypatch.setattr("channels.botframework_checked.READ_TIMEOUT_S", 3)
    url = any_teams(fake_agent)
    with FakeMicrosoft(delay=25) as slow, FakeMicrosoft() as fast:
        results: dict[str, object] = {}

        def slow_conversation() -> None:
            started = time.monotonic()
            try:
                results["slow"] = post_activity(
                    url, teams_activity(slow.url), bot_connector_token(signing_key, slow.url), timeout=60
                ).status_code
            except requests.RequestException as error:
                results["slow"] = error
            results["slow_s"] = time.monotonic() - started

        thread = threading.Thread(target=slow_conversation)
        thread.start()
        assert slow.posted.wait(20), "the answer never reached the slow serviceUrl"

        started = time.monotonic()
        health = requests.get(f"{url}/webhooks/botframework/", timeout=5)
        other = teams_activity(fast.url, "Et pour un cariste ?")
        other["conversation"] = {**other["conversation"], "id": "a:1another-conversation"}
        answered = post_activity(url, other, bot_connector_token(signing_key, fast.url), timeout=5)
        elapsed = time.monotonic() - started

        thread.join(60)
    assert health.status_code == 200 and answered.status_code == 200
    assert elapsed < 3, f"another conversation waited {elapsed:.1f} s"
    assert len(fast.posts("/activities")) == 1
    # The slow conversation gave up after the read timeout, without an error answer.
    assert results["slow"] == 200, results
    assert results["slow_s"] < 15, results


def test_busy_message_when_the_action_server_fails(any_teams, connector, signing_key, failing_agent):
    """Issue 21, finding 7: Teams users got nothing when the action server was down;
    now the busy message, and only it (not the fallback Rasa predicts after it)."""
    from channels.guarded import BUSY_TEXT

    url = any_teams(failing_agent)
    response = post_activity(url, teams_activity(connector.url), bot_connector_token(signing_key, connector.url))

    assert response.status_code == 200
    assert [activity.get("text") for activity in connector.activities()] == [BUSY_TEXT]


def test_failed_answer_is_logged_without_the_conversation_id(any_teams, signing_key, fake_agent, caplog):
    """Issue 21, finding 9: a failed post was logged with its URL (the conversation id)."""
    from tests.e2e.stack import free_port

    url = any_teams(fake_agent)
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with caplog.at_level(logging.DEBUG):
        response = post_activity(url, teams_activity(closed), bot_connector_token(signing_key, closed))
    assert response.status_code == 200
    assert fake_agent.messages
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert CONVERSATION_ID not in logged and "1conversation-personnelle" not in logged
    assert ADVISER_ID not in logged


def test_builtin_botframework_key_is_the_checked_channel(teams_env, tmp_path):
    """A credentials file that lists the project's channels first and then Rasa's
    ``botframework:`` key gets the checked channel too."""
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(
        "channels.guarded.GuardedRestInput:\nbotframework:\n  app_id: ${MS_APP_ID}\n  app_password: ${MS_APP_PASSWORD}\n",
        encoding="utf-8",
    )
    _rest, teams = create_http_input_channels(None, str(credentials))
    assert type(teams).__name__ == "CheckedBotFrameworkInput"
