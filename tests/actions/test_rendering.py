"""Tests of ``actions.rendering``: which renderer each Rasa input channel gets.

The renderers themselves are tested in tests/bot/test_render.py; this file checks the
dispatch on the channel name and what travels to ``utter_message``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from actions.rendering import render_for_channel

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYLOAD: dict[str, Any] = json.loads(
    (REPO_ROOT / "tests/fixtures/render/answer_eligible.json").read_text(encoding="utf-8")
)
MORE = {"title": "Voir plus", "payload": "/show_more"}
CHANNELS = ["socketio", "slack", "botframework", "rest", "cmdline", None, "telegram"]


@pytest.fixture
def payload() -> dict[str, Any]:
    return copy.deepcopy(PAYLOAD)


def test_socketio_sends_the_payload_for_the_widget(payload):
    assert render_for_channel(payload, "socketio") == [{"json_message": {"data": PAYLOAD}}]


def test_rest_sends_text_buttons_and_the_payload_in_one_message(payload):
    assert render_for_channel(payload, "rest") == [
        {"text": PAYLOAD["text"], "buttons": [MORE, *PAYLOAD["buttons"]], "json_message": PAYLOAD}
    ]


@pytest.mark.parametrize("channel", ["cmdline", None, "telegram", ""])
def test_other_channels_get_text_and_buttons(payload, channel):
    assert render_for_channel(payload, channel) == [{"text": PAYLOAD["text"], "buttons": [MORE, *PAYLOAD["buttons"]]}]


@pytest.mark.parametrize("channel", ["slack", "botframework"])
def test_card_channels_send_one_custom_message_without_top_level_text(payload, channel):
    # A top-level `text` would be posted by Rasa as a second, plain message.
    [message] = render_for_channel(payload, channel)
    assert set(message) == {"json_message"}


def test_slack_and_teams_get_their_own_format(payload):
    [slack] = render_for_channel(payload, "slack")
    [teams] = render_for_channel(payload, "botframework")
    assert "blocks" in slack["json_message"]
    assert teams["json_message"]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


@pytest.mark.parametrize("channel", CHANNELS)
def test_messages_are_json_and_the_payload_is_not_shared(payload, channel):
    messages = render_for_channel(payload, channel)
    json.dumps(messages)  # utter_message kwargs travel as JSON to Rasa
    # Output channels mutate what they send (setdefault): the caller's payload
    # must not change with it.
    for message in messages:
        message.get("json_message", {}).clear()
    assert payload == PAYLOAD


def test_buttons_key_is_absent_when_there_are_no_buttons(payload):
    payload["buttons"] = []
    payload["more"] = {"remaining": 0}
    assert render_for_channel(payload, "cmdline") == [{"text": PAYLOAD["text"]}]


def test_no_voir_plus_is_invented_when_the_core_did_not_word_it(payload):
    # The wording of « voir plus » lives in bot/compose: a payload without it gets none.
    payload["more"] = {"remaining": 4}
    [message] = render_for_channel(payload, "cmdline")
    assert MORE not in message["buttons"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_minimal_payload_renders_everywhere(channel):
    minimal = {"type": "proa_answer", "version": 1, "verdict": "info", "text": "Bonjour."}
    assert render_for_channel(minimal, channel)
    assert render_for_channel({}, channel)
