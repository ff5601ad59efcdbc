"""Slack folds nothing: an answer's details stay behind « Détails et sources » (issue 20)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot import feedback
from bot.outcomes import answer_record
from bot.profile import Profile
from bot.render import slack
from bot.service import Assistant


@pytest.fixture(scope="module")
def cariste_payload() -> tuple[dict, dict]:
    answer = Assistant.default().ask("je suis cariste en CDI, puis-je viser un BTS ?", Profile(today=date(2026, 12, 7)))
    payload = answer.to_payload()
    record = answer_record(payload)
    feedback.attach_offer(payload, record)
    return payload, record


def test_the_slack_answer_ends_with_a_details_button_not_the_details(cariste_payload):
    payload, record = cariste_payload
    blocks = slack.render(payload)["json_message"]["blocks"]
    [actions] = [b for b in blocks if b.get("block_id") == slack.ACTIONS_BLOCK]
    last = actions["elements"][-1]
    assert last["text"]["text"] == "Détails et sources"
    assert json.loads(last["value"].removeprefix("/show_details")) == {"answer_id": record["id"]}
    ids = {b.get("block_id") for b in blocks}
    assert slack.DETAILS_BLOCK not in ids and slack.SOURCES_BLOCK not in ids
    assert "Prudence" not in json.dumps(blocks, ensure_ascii=False)  # a caveat: folded


def test_the_details_message_holds_what_was_folded(cariste_payload):
    _, record = cariste_payload
    message = slack.render_details(record["details"])["json_message"]
    text = json.dumps(message, ensure_ascii=False)
    assert "Prudence" in text and "Code du travail" in text and "Vérifié le" in text
    assert len(message["blocks"]) <= slack.BLOCKS_MAX
    sources = next(b for b in message["blocks"] if b.get("block_id") == slack.SOURCES_BLOCK)
    lines = sources["elements"][0]["text"].splitlines()
    assert all(len(line) <= 300 for line in lines) and sum("Vérifié le" in line for line in lines) == 1


def test_without_an_id_the_details_follow_in_small_print(cariste_payload):
    payload, _ = cariste_payload
    bare = {k: v for k, v in payload.items() if k != "feedback"}
    blocks = slack.render(bare)["json_message"]["blocks"]
    assert {slack.DETAILS_BLOCK, slack.SOURCES_BLOCK} <= {b.get("block_id") for b in blocks}
