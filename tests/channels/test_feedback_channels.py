"""The feedback on the channels' side (issue 22): the buttons' command passes the input
checks, the comment typed after « Non » is recorded by a bot event right after Rasa's
slot extraction (channels/feedback_comment.py), and a Slack click changes only its block."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import feedback
from channels import feedback_comment, guarded

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(REPO / "domain.yml"))
ANSWER_ID = "0123456789ab"
ANSWER = {
    "type": "proa_answer",
    "id": ANSWER_ID,
    "topic": "faq:duration",
    "verdict": "info",
    "understood": {"rules": ["idcc2378.duration"], "metier": None, "branch": 2378, "reading": None},
}


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, entities or [], input_channel="rest")


def conversation(*after: Any, asked: bool = True) -> DialogueStateTracker:
    click = feedback.click_record("no", ANSWER)
    if asked:
        click["comment_asked"] = True
    events = [
        ActionExecuted("action_listen"),
        user("combien de temps dure la pro-a ?", "faq"),
        ActionExecuted("action_answer_faq"),
        BotUttered("De 6 à 12 mois.", metadata={"proa_answer": ANSWER}),
        ActionExecuted("action_listen"),
        user(feedback.command("no", ANSWER_ID), "feedback", [{"entity": "helpful", "value": "no"}]),
        ActionExecuted("action_feedback"),
        BotUttered("Merci pour votre avis. Qu'est-ce qui manquait ?", metadata={"proa_feedback": click}),
        ActionExecuted("action_listen"),
        *after,
    ]
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


def extract(tracker: DialogueStateTracker) -> tuple[list[Any], list[dict[str, Any]]]:
    guarded.apply_patches()
    output = CollectingOutputChannel()
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    events = asyncio.run(ActionExtractSlots(None).run(output, nlg, tracker, DOMAIN))
    return events, output.messages


def test_the_message_after_the_question_is_the_comment():
    tracker = conversation(user("il manquait la durée pour un CDD", "faq"))
    events, _ = extract(tracker)
    comments = [e for e in events if isinstance(e, BotUttered)]
    assert len(comments) == 1
    assert comments[0].text == "Merci, c'est noté."
    record = comments[0].metadata["proa_feedback"]
    assert record["kind"] == "comment" and record["comment"] == "il manquait la durée pour un CDD"
    assert record["answer_id"] == ANSWER_ID and record["topic"] == "faq:duration" and record["value"] == "no"
    assert comments[0].metadata["utter_action"] == "utter_feedback_comment"
    # Nothing else: the message is then predicted and answered as any other.
    assert not [e for e in events if isinstance(e, SlotSet) and e.key == "feedback"]


@pytest.mark.parametrize(
    "after, asked",
    [
        ((user('/faq{"faq_topic": "pay"}', "faq", [{"entity": "faq_topic", "value": "pay"}]),), True),  # a button
        ((user("et ensuite ?", "faq"),), False),  # « Oui », or « Non » in a form: not asked
        (
            (
                user("il manquait la durée", "faq"),
                ActionExecuted("action_answer_faq"),
                BotUttered("…"),
                ActionExecuted("action_listen"),
                user("et le salaire ?", "faq"),
            ),
            True,
        ),  # only the next message
    ],
)
def test_other_messages_are_not_comments(after, asked):
    events, _ = extract(conversation(*after, asked=asked))
    assert not [e for e in events if isinstance(e, BotUttered)]


def test_a_failure_never_costs_the_answer(monkeypatch, caplog):
    async def broken(*args: Any) -> list[Any]:
        raise RuntimeError("boom: il manquait la durée")

    monkeypatch.setattr(feedback_comment, "comment_events", broken)
    events, _ = extract(conversation(user("il manquait la durée", "faq")))
    assert not [e for e in events if isinstance(e, BotUttered)]
    assert "RuntimeError" in caplog.text and "il manquait" not in caplog.text


def test_the_buttons_command_passes_the_input_checks():
    names = (set(DOMAIN.intents), set(DOMAIN.entities))
    command = feedback.command("no", ANSWER_ID)
    assert guarded.command_entities(command, names) == {"helpful": "no", "answer_id": ANSWER_ID}


def test_slack_click_on_the_feedback_keeps_the_quick_replies():
    from bot.render import slack
    from channels.slack_interactive import choice_update

    payload = json.loads((REPO / "tests/fixtures/render/answer_v2.json").read_text(encoding="utf-8"))
    feedback.attach_offer(payload, {})
    blocks = slack.render(payload)["json_message"]["blocks"]
    clicked = {"type": "button", "block_id": "proa_feedback", "text": {"type": "plain_text", "text": "Oui"}}
    update = choice_update({"actions": [clicked], "message": {"text": "…", "blocks": blocks}})
    assert update is not None
    assert any(b.get("block_id") == "proa_quick_replies" and b["type"] == "actions" for b in update["blocks"])
    assert "Votre avis : Oui" in json.dumps(update, ensure_ascii=False)
