"""Slack channel: request signing, thread replies and the Block Kit answer.

The Slack input channel is built from ``credentials.advisers.yml`` (with test values in
the environment) and served by ``rasa.core.run.configure_app`` on a loopback port.
Requests are signed as Slack signs them (HMAC-SHA256 of ``v0:<timestamp>:<body>`` with
the signing secret). ``AsyncWebClient.chat_postMessage`` is replaced, so the reply
that would be posted to Slack is captured instead of sent (or, with ``api_url`` in the
credentials, posted to a local fake of Slack's API).

Issue 21: when the action server fails, the adviser gets the busy message, and only it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.run import configure_app, create_http_input_channels
from slack_sdk.web.async_client import AsyncWebClient

from tests.channels.fakes import FakeSlack, wait_for

REPO_ROOT = Path(__file__).resolve().parents[2]
ADVISERS_CREDENTIALS = REPO_ROOT / "credentials.advisers.yml"

#: The Slack channel of credentials.advisers.yml (Rasa's, with button updates).
SLACK_CONNECTOR = "channels.slack_interactive.InteractiveSlackInput"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "U0BOTPROA"
ADVISER = "U0ADVISER1"
CHANNEL = "C0ADVISERS"
MESSAGE_TS = "1767261600.000100"


def sign(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers of a request signed as Slack does."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def mention_event(text: str, thread_ts: str | None = None) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": ADVISER,
        "text": text,
        "ts": MESSAGE_TS,
        "channel": CHANNEL,
        "event_ts": MESSAGE_TS,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {
        "token": "deprecated-verification-token",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev0TEST",
        "event_time": 1767261600,
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
    }


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls of ``chat_postMessage`` (keyword arguments plus the token used)."""
    calls: list[dict[str, Any]] = []

    async def fake_post_message(self: AsyncWebClient, **kwargs: Any) -> dict[str, Any]:
        calls.append({"token": self.token, **kwargs})
        return {"ok": True, "channel": kwargs.get("channel"), "ts": "1767261601.000200"}

    monkeypatch.setattr(AsyncWebClient, "chat_postMessage", fake_post_message)
    return calls


@pytest.fixture
def slack_url(monkeypatch, fake_agent, serve_app):
    """Base URL of a Rasa app with the Slack channel of ``credentials.advisers.yml``."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    # The whole file is expanded, so the Teams variables must be set too.
    monkeypatch.setenv("MS_APP_ID", "unused")
    monkeypatch.setenv("MS_APP_PASSWORD", "unused")
    channels = create_http_input_channels(SLACK_CONNECTOR, str(ADVISERS_CREDENTIALS))
    assert channels[0].use_threads is True
    app = configure_app(channels, enable_api=False)
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        yield f"{base_url}/webhooks/slack/webhook"


def post_json(url: str, payload: dict[str, Any], **sign_options: Any) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **sign(body, **sign_options)}
    return requests.post(url, data=body, headers=headers, timeout=10)


def test_signed_mention_reaches_rasa_and_reply_goes_to_the_thread(slack_url, fake_agent, posted, sample_payload):
    response = post_json(slack_url, mention_event(f"<@{BOT_USER}> Un soudeur peut-il faire une Pro-A ?"))

    assert response.status_code == 200
    assert fake_agent.answered.wait(10), "the message never reached Rasa"
    # The answers of a turn are posted once it is over (channels.guarded holds them).
    assert wait_for(lambda: posted), "no answer was posted"
    assert not fake_agent.errors
    [message] = fake_agent.messages
    assert message.text == "Un soudeur peut-il faire une Pro-A ?"  # mention removed
    assert message.sender_id == ADVISER
    assert message.input_channel == "slack"
    assert message.metadata["out_channel"] == CHANNEL
    assert message.metadata["thread_id"] == MESSAGE_TS

    # One chat.postMessage: the Block Kit answer, in the thread of the question.
    [call] = posted
    assert call["token"] == BOT_TOKEN
    assert call["channel"] == CHANNEL
    assert call["thread_ts"] == MESSAGE_TS
    assert call["text"] == sample_payload["text"]
    blocks = call["blocks"]
    assert [b["type"] for b in blocks] == ["section", "section", "actions", "context"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": sample_payload["text"]}
    certifications = blocks[1]["text"]["text"]
    assert certifications.splitlines() == [
        "*Certifications :*",
        "• *TP Soudeur* — <https://www.francecompetences.fr/recherche/rncp/9467/|RNCP9467> (niveau 3)",
        "• *TP Soudeur assembleur industriel* — "
        "<https://www.francecompetences.fr/recherche/rncp/34502/|RNCP34502> (niveau 3)",
        "• *CQP/CQPM Soudeur industriel* — RNCP19460 (sans niveau)",
    ]
    # « Voir plus » first (the list goes on), then the answer's quick replies; it is a
    # button only (no « écrivez « voir plus » » beside it).
    assert [(e["text"]["text"], e["value"]) for e in blocks[2]["elements"]] == [("Voir plus", "/show_more")] + [
        (b["title"], b["payload"]) for b in sample_payload["buttons"]
    ]
    assert "écrivez" not in json.dumps(blocks, ensure_ascii=False)
    assert blocks[3]["elements"][0]["text"] == (
        "Source :\n• <https://www.legifrance.gouv.fr/conv_coll/id/KALITEXT000043688159"
        "|Accord du 22 janvier 2021 (IDCC 2378), art. 2>"
    )


def test_reply_to_a_message_inside_a_thread_stays_in_that_thread(slack_url, fake_agent, posted):
    parent_ts = "1767261000.000050"
    response = post_json(slack_url, mention_event(f"<@{BOT_USER}> et la durée ?", parent_ts))

    assert response.status_code == 200
    assert fake_agent.answered.wait(10)
    # The answers of a turn are posted once it is over (channels.guarded holds them).
    assert wait_for(lambda: posted), "no answer was posted"
    assert fake_agent.messages[0].metadata["thread_id"] == parent_ts
    assert posted[0]["thread_ts"] == parent_ts


def test_button_click_is_sent_to_rasa_as_the_button_payload(slack_url, fake_agent, posted):
    button_payload = '/inform{"metier_id": "industrie/machines/operateur-de-production"}'
    interaction = {
        "type": "block_actions",
        "user": {"id": ADVISER},
        "channel": {"id": CHANNEL},
        "message": {"ts": "1767261601.000200", "thread_ts": MESSAGE_TS},
        "actions": [
            {
                "type": "button",
                "action_id": "proa_button_0",
                "block_id": "proa_quick_replies",
                "value": button_payload,
            }
        ],
    }
    body = urlencode({"payload": json.dumps(interaction)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}

    response = requests.post(slack_url, data=body, headers=headers, timeout=10)

    assert response.status_code == 200
    assert fake_agent.answered.wait(10)
    # The answers of a turn are posted once it is over (channels.guarded holds them).
    assert wait_for(lambda: posted), "no answer was posted"
    [message] = fake_agent.messages
    assert message.text == button_payload
    assert message.sender_id == ADVISER
    assert posted[0]["thread_ts"] == MESSAGE_TS


@pytest.fixture
def updates(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Message updates the channel would post to the interaction's ``response_url``."""
    from channels.slack_interactive import InteractiveSlackInput

    calls: list[tuple[str, dict[str, Any]]] = []

    async def fake_update(url: str, body: dict[str, Any]) -> None:
        calls.append((url, body))

    monkeypatch.setattr(InteractiveSlackInput, "poster", staticmethod(fake_update))
    return calls


def click(slack_url: str, response_url: str, blocks: list[dict[str, Any]], title: str, value: str) -> requests.Response:
    interaction = {
        "type": "block_actions",
        "user": {"id": ADVISER},
        "channel": {"id": CHANNEL},
        "response_url": response_url,
        "message": {"ts": "1767261601.000200", "thread_ts": MESSAGE_TS, "text": "réponse", "blocks": blocks},
        "actions": [
            {
                "type": "button",
                "action_id": "proa_button_1",
                "block_id": "proa_quick_replies",
                "text": {"type": "plain_text", "text": title},
                "value": value,
            }
        ],
    }
    body = urlencode({"payload": json.dumps(interaction)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    return requests.post(slack_url, data=body, headers=headers, timeout=10)


def test_after_a_click_the_message_shows_the_choice_and_its_buttons_are_gone(
    slack_url, fake_agent, posted, updates, sample_payload
):
    from actions.rendering import render_for_channel

    [rendered] = render_for_channel(sample_payload, "slack")
    blocks = rendered["json_message"]["blocks"]
    response_url = "https://hooks.slack.com/actions/T0TEAM/1/abc"

    response = click(slack_url, response_url, blocks, "Durée de la formation", "/ask_duration")

    assert response.status_code == 200
    assert fake_agent.answered.wait(10)
    assert fake_agent.messages[0].text == "/ask_duration"
    [(url, body)] = updates
    assert url == response_url
    assert body["replace_original"] is True
    assert not [b for b in body["blocks"] if b["type"] == "actions"]  # no button to click twice
    assert "Vous avez choisi : Durée de la formation" in json.dumps(body, ensure_ascii=False)
    assert body["blocks"][0] == blocks[0]


def test_a_response_url_outside_slack_is_never_called(slack_url, fake_agent, posted, updates, sample_payload):
    from actions.rendering import render_for_channel

    [rendered] = render_for_channel(sample_payload, "slack")
    response = click(
        slack_url, "https://attacker.example/collect", rendered["json_message"]["blocks"], "Durée", "/ask_duration"
    )

    assert response.status_code == 200
    assert fake_agent.answered.wait(10)
    assert updates == []


def test_url_verification_challenge_is_answered(slack_url, fake_agent):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = post_json(slack_url, {"type": "url_verification", "challenge": challenge})

    assert response.status_code == 200
    assert response.json() == challenge
    assert not fake_agent.messages


def test_bad_signature_is_refused(slack_url, fake_agent, posted):
    response = post_json(
        slack_url,
        mention_event(f"<@{BOT_USER}> bonjour"),
        secret="not-the-signing-secret",
    )

    assert response.status_code == 400
    assert not fake_agent.received.wait(0.5)
    assert not posted


def test_body_changed_after_signing_is_refused(slack_url, fake_agent):
    body = json.dumps(mention_event(f"<@{BOT_USER}> bonjour")).encode()
    headers = {"Content-Type": "application/json", **sign(body)}
    tampered = body.replace(b"bonjour", b"bonsoir")

    response = requests.post(slack_url, data=tampered, headers=headers, timeout=10)

    assert response.status_code == 400
    assert not fake_agent.received.wait(0.5)


def test_missing_signature_is_refused(slack_url, fake_agent):
    body = json.dumps(mention_event(f"<@{BOT_USER}> bonjour")).encode()

    response = requests.post(slack_url, data=body, headers={"Content-Type": "application/json"}, timeout=10)

    assert response.status_code == 400
    assert not fake_agent.received.wait(0.5)


def test_stale_timestamp_is_refused(slack_url, fake_agent, posted):
    # Correctly signed, but six minutes old: a replayed request.
    response = post_json(
        slack_url,
        mention_event(f"<@{BOT_USER}> bonjour"),
        timestamp=int(time.time()) - 6 * 60,
    )

    assert response.status_code == 400
    assert not fake_agent.received.wait(0.5)
    assert not posted


def test_slack_channel_refuses_to_start_without_signing_secret(monkeypatch):
    from rasa.shared.exceptions import InvalidConfigException

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    monkeypatch.setenv("MS_APP_ID", "unused")
    monkeypatch.setenv("MS_APP_PASSWORD", "unused")
    with pytest.raises(InvalidConfigException):
        create_http_input_channels(SLACK_CONNECTOR, str(ADVISERS_CREDENTIALS))


# --- issue 21 ---------------------------------------------------------------------------


@pytest.fixture
def slack_app(monkeypatch, serve_app):
    """``serve(agent, credentials=None)``: the Slack channel of credentials.advisers.yml
    (or of ``credentials``) served for ``agent``; yields the webhook URL."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("MS_APP_ID", "unused")
    monkeypatch.setenv("MS_APP_PASSWORD", "unused")
    opened = []

    def serve(agent, credentials: Path | None = None) -> str:
        if credentials is None:
            channels = create_http_input_channels(SLACK_CONNECTOR, str(ADVISERS_CREDENTIALS))
        else:
            channels = create_http_input_channels(None, str(credentials))
        app = configure_app(channels, enable_api=False)
        app.ctx.agent = agent
        context = serve_app(app)
        opened.append(context)
        return f"{context.__enter__()}/webhooks/slack/webhook"

    yield serve
    for context in opened:
        context.__exit__(None, None, None)


def test_busy_message_when_the_action_server_fails(slack_app, failing_agent, posted):
    """Slack users got nothing when the action server was down; now the busy message,
    and only it (not the fallback Rasa predicts after the failed action)."""
    from channels.guarded import BUSY_TEXT

    url = slack_app(failing_agent)
    response = post_json(url, mention_event(f"<@{BOT_USER}> Un soudeur peut-il faire une Pro-A ?"))

    assert response.status_code == 200
    assert failing_agent.answered.wait(10)
    assert wait_for(lambda: posted)
    time.sleep(0.3)  # nothing else follows
    assert [call["text"] for call in posted] == [BUSY_TEXT]
    assert posted[0]["thread_ts"] == MESSAGE_TS


def test_api_url_sends_the_answers_to_that_address(slack_app, fake_agent, tmp_path):
    """``api_url`` (another Slack instance, or a local fake as here) is where the answers go."""
    with FakeSlack() as slack:
        credentials = tmp_path / "credentials.yml"
        credentials.write_text(
            "channels.slack_interactive.InteractiveSlackInput:\n"
            f"  slack_token: {BOT_TOKEN}\n  slack_signing_secret: {SIGNING_SECRET}\n"
            f"  use_threads: true\n  api_url: {slack.url}\n",
            encoding="utf-8",
        )
        url = slack_app(fake_agent, credentials)
        response = post_json(url, mention_event(f"<@{BOT_USER}> Un soudeur peut-il faire une Pro-A ?"))
        assert response.status_code == 200
        assert wait_for(lambda: slack.calls)
    [call] = slack.calls
    assert call["path"] == "/api/chat.postMessage"
    assert call["auth"] == f"Bearer {BOT_TOKEN}"
    assert call["channel"] == CHANNEL and call["thread_ts"] == MESSAGE_TS
