"""« Cette réponse vous aide ? » (issue 22): the core's vocabulary and records
(bot/feedback.py), and the question as the Slack and Teams renderers show it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot import feedback
from bot.render import slack, teams
from bot.render.payload import AnswerPayload

SAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures/render/answer_v2.json").read_text(encoding="utf-8")
)
ANSWER_ID = "0123456789ab"


def _answer(answer_id: str = ANSWER_ID, topic: str = "faq:duration") -> dict[str, Any]:
    reading = {"regime": "proa_ongoing", "scores": {"idcc2378.duration": 0.7}}
    understood = {"topic": topic, "rules": ["idcc2378.duration"], "metier": "m/cariste", "branch": 2378}
    return {
        "type": "proa_answer",
        "id": answer_id,
        "verdict": "info",
        "verdict_line": "De 6 à 12 mois.",
        "topic": topic,
        "understood": {**understood, "reading": reading},
    }


def _with_feedback(payload: dict[str, Any]) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    record: dict[str, Any] = {}
    feedback.attach_offer(payload, record)
    assert feedback.is_answer_id(record["id"]) and payload["feedback"]["answer_id"] == record["id"]
    return payload


def test_buttons_send_a_command_naming_the_answer():
    offer = feedback.offer(ANSWER_ID)
    assert offer["question"] == "Cette réponse vous aide ?"
    assert [(b["title"], b["value"]) for b in offer["buttons"]] == [("Oui", "yes"), ("Non", "no")]
    no = offer["buttons"][1]["payload"]
    assert no == '/feedback{"helpful": "no", "answer_id": "0123456789ab"}'
    assert json.loads(no[len("/feedback") :]) == {"helpful": "no", "answer_id": ANSWER_ID}
    assert feedback.new_answer_id() != feedback.new_answer_id()


def test_click_entities():
    entities = [{"entity": "helpful", "value": "no"}, {"entity": "answer_id", "value": ANSWER_ID}]
    assert feedback.value_of(entities) == "no" and feedback.answer_id_of(entities) == ANSWER_ID
    assert feedback.value_of([{"entity": "helpful", "value": "peut-être"}]) is None
    assert feedback.answer_id_of([{"entity": "answer_id", "value": "../../etc"}]) is None


def test_the_answer_is_the_one_the_buttons_name_else_the_latest():
    events = [
        {"event": "bot", "metadata": {"proa_answer": _answer("aaaaaaaaaaaa", "faq:duration")}},
        {"event": "user", "text": "et le salaire ?"},
        {"event": "bot", "metadata": {"proa_answer": _answer("bbbbbbbbbbbb", "faq:pay")}},
        {"event": "bot", "text": "Merci pour votre avis !", "metadata": {}},
    ]
    assert feedback.answer_of(events, "aaaaaaaaaaaa")["topic"] == "faq:duration"
    assert feedback.answer_of(events)["topic"] == "faq:pay"
    assert feedback.answer_of(events, "cccccccccccc") is None
    assert feedback.answer_of([]) is None


def test_records_say_what_the_answer_was():
    click = feedback.click_record("no", _answer())
    assert click == {
        "kind": "click",
        "value": "no",
        "answer_id": ANSWER_ID,
        "found": True,
        "topic": "faq:duration",
        "verdict": "info",
        "verdict_line": "De 6 à 12 mois.",
        "rules": ["idcc2378.duration"],
        "metier": "m/cariste",
        "branch": 2378,
        "reading": {"regime": "proa_ongoing", "scores": {"idcc2378.duration": 0.7}},
    }
    unknown = feedback.click_record("yes", None, ANSWER_ID)
    assert unknown["found"] is False and unknown["answer_id"] == ANSWER_ID and unknown["rules"] == []
    comment = feedback.comment_record({**click, "comment_asked": True}, "  il manquait le CDD " + "x" * 600)
    assert comment["kind"] == "comment" and "comment_asked" not in comment and comment["topic"] == "faq:duration"
    assert comment["comment"].startswith("il manquait le CDD") and len(comment["comment"]) == 500


def test_a_second_identical_click_is_seen():
    events = [{"event": "bot", "metadata": {"proa_feedback": feedback.click_record("no", _answer())}}]
    assert feedback.already_given(events, "no", ANSWER_ID)
    assert not feedback.already_given(events, "yes", ANSWER_ID)
    assert not feedback.already_given(events, "no", "bbbbbbbbbbbb")
    assert not feedback.already_given(events, "no", None)


# --- Slack ---------------------------------------------------------------------------------


def test_slack_asks_last_with_two_buttons():
    payload = _with_feedback(SAMPLE)
    blocks = slack.render(payload)["json_message"]["blocks"]
    question, actions = blocks[-2], blocks[-1]
    assert question["block_id"] == "proa_feedback_question"
    assert question["elements"][0]["text"] == "*Cette réponse vous aide ?*"
    assert actions["block_id"] == "proa_feedback"
    assert [e["text"]["text"] for e in actions["elements"]] == ["Oui", "Non"]
    assert [e["action_id"] for e in actions["elements"]] == ["proa_feedback_yes", "proa_feedback_no"]
    assert actions["elements"][1]["value"] == payload["feedback"]["buttons"][1]["payload"]
    # The quick replies are still there, with their own action ids.
    quick = next(b for b in blocks if b.get("block_id") == "proa_quick_replies")
    assert all(e["action_id"].startswith("proa_button_") for e in quick["elements"])
    assert "proa_feedback" not in json.dumps(slack.render(SAMPLE))  # no offer, no question


def test_slack_keeps_the_question_of_a_long_answer():
    payload = _with_feedback(SAMPLE)
    payload["parts"] = payload["parts"] * 80  # far more than Slack's 50 blocks
    ids = [b.get("block_id") for b in slack.render(payload)["json_message"]["blocks"]]
    assert len(ids) == slack.BLOCKS_MAX
    assert ids[-2:] == ["proa_feedback_question", "proa_feedback"]
    assert {"proa_verdict", "proa_quick_replies"} <= set(ids)
    # The sources are behind « Détails et sources » (the answer has an id to ask them by).
    blocks = slack.render(payload)["json_message"]["blocks"]
    [replies] = [b for b in blocks if b.get("block_id") == "proa_quick_replies"]
    assert replies["elements"][-1]["text"]["text"] == "Détails et sources"


def test_slack_click_changes_only_its_block():
    blocks = slack.render(_with_feedback(SAMPLE))["json_message"]["blocks"]
    after_no = slack.after_choice(blocks, "Non", "proa_feedback")
    assert any(b.get("block_id") == "proa_quick_replies" and b["type"] == "actions" for b in after_no)
    given = next(b for b in after_no if b.get("block_id") == "proa_feedback")
    assert given["type"] == "context" and given["elements"][0]["text"] == "✅ Votre avis : Non. Merci !"
    after_reply = slack.after_choice(blocks, "Durée", "proa_quick_replies")
    assert any(b.get("block_id") == "proa_feedback" and b["type"] == "actions" for b in after_reply)
    assert "Vous avez choisi : Durée" in json.dumps(after_reply, ensure_ascii=False)
    # Without the block (older clients): every block of buttons, as before.
    assert not any(b["type"] == "actions" for b in slack.after_choice(blocks, "Durée"))


# --- Teams ---------------------------------------------------------------------------------


def test_teams_card_ends_with_the_question_and_its_submit_buttons():
    payload = _with_feedback(SAMPLE)
    card = teams.adaptive_card(AnswerPayload.from_wire(payload))
    question, action_set = card["body"][-2], card["body"][-1]
    assert question["text"] == "Cette réponse vous aide ?" and question["separator"] is True
    assert action_set["type"] == "ActionSet"
    titles = [(a["type"], a["title"], a["data"]["msteams"]["type"]) for a in action_set["actions"]]
    assert titles == [("Action.Submit", "Oui", "messageBack"), ("Action.Submit", "Non", "messageBack")]
    assert action_set["actions"][1]["data"]["msteams"]["text"] == payload["feedback"]["buttons"][1]["payload"]
    assert action_set["actions"][1]["data"]["msteams"]["displayText"] == "Non"
    assert all(a["type"] == "Action.Submit" for a in card["actions"])  # the quick replies, as before
    assert "/feedback" not in json.dumps(teams.adaptive_card(AnswerPayload.from_wire(SAMPLE)))


@pytest.mark.parametrize("broken", [None, "oui", {"question": ""}, {"question": "?", "buttons": [{"title": "Oui"}]}])
def test_renderers_ignore_a_broken_offer(broken):
    payload = {**SAMPLE, "feedback": broken}
    assert "proa_feedback" not in json.dumps(slack.render(payload))
    assert "/feedback" not in json.dumps(teams.render(payload))
