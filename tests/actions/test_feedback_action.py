"""``action_feedback`` and the feedback buttons of every answer (issue 22), with rasa_sdk's
Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ActionAnswerFaq
from actions.feedback import ActionFeedback
from actions.metrics import REGISTRY

DOMAIN: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
)
FIRST, SECOND = "aaaaaaaaaaaa", "bbbbbbbbbbbb"


def _answer(answer_id: str, topic: str, rule: str) -> dict[str, Any]:
    return {
        "type": "proa_answer",
        "id": answer_id,
        "verdict": "info",
        "verdict_line": "…",
        "topic": topic,
        "understood": {
            "topic": topic,
            "rules": [rule],
            "branch": 2378,
            "metier": "logistique/cariste",
            "reading": {"regime": "proa_ongoing", "scores": {rule: 0.8}},
        },
    }


HISTORY = [
    {"event": "user", "text": "combien de temps dure la pro-a ?"},
    {"event": "bot", "text": "De 6 à 12 mois.", "metadata": {"proa_answer": _answer(FIRST, "faq:duration", "d")}},
    {"event": "user", "text": "et le salaire ?"},
    {"event": "bot", "text": "Il est maintenu.", "metadata": {"proa_answer": _answer(SECOND, "faq:pay", "p")}},
]


def tracker(
    entities: list[dict[str, Any]],
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    intent: str = "feedback",
    text: str = "/feedback",
    channel: str | None = None,
) -> Tracker:
    slots = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
    message = {"intent": {"name": intent, "confidence": 1.0}, "text": text, "entities": entities}
    user = {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    return Tracker(
        "test",
        slots,
        message,
        [*(HISTORY if events is None else events), user],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def click(value: str, answer_id: str | None = None) -> list[dict[str, Any]]:
    entities = [{"entity": "helpful", "value": value}]
    if answer_id:
        entities.append({"entity": "answer_id", "value": answer_id})
    return entities


def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def counted(value: str) -> float:
    return REGISTRY.get_sample_value("proa_feedback_total", {"value": value}) or 0.0


def test_no_is_recorded_with_the_answer_it_is_about_and_asks_what_was_missing():
    before = counted("no")
    messages, events = run(ActionFeedback(), tracker(click("no", FIRST)))
    assert events == []  # no slot: a bot event keeps the click (bot/feedback.py says why)
    assert [m["response"] for m in messages] == ["utter_feedback_no"]
    record = messages[0]["proa_feedback"]
    assert record["kind"] == "click" and record["value"] == "no" and record["comment_asked"] is True
    assert record["answer_id"] == FIRST and record["topic"] == "faq:duration" and record["rules"] == ["d"]
    assert record["metier"] == "logistique/cariste" and record["branch"] == 2378
    assert record["reading"]["regime"] == "proa_ongoing"
    assert counted("no") == before + 1
    assert "Qu'est-ce qui manquait ?" in DOMAIN["responses"]["utter_feedback_no"][0]["text"]


def test_yes_without_an_answer_id_is_about_the_latest_answer():
    before = counted("yes")
    messages, _ = run(ActionFeedback(), tracker(click("yes")))
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"]
    record = messages[0]["proa_feedback"]
    assert record["value"] == "yes" and record["topic"] == "faq:pay" and "comment_asked" not in record
    assert counted("yes") == before + 1


def test_no_while_the_form_asks_only_thanks():
    messages, _ = run(ActionFeedback(), tracker(click("no", SECOND), active_loop="profile_form"))
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"]
    assert messages[0]["proa_feedback"]["value"] == "no" and "comment_asked" not in messages[0]["proa_feedback"]


def test_the_same_click_twice_is_counted_once():
    first, _ = run(ActionFeedback(), tracker(click("no", FIRST)))
    history = [*HISTORY, {"event": "bot", "text": "Merci…", "metadata": {"proa_feedback": first[0]["proa_feedback"]}}]
    before = counted("no")
    messages, _ = run(ActionFeedback(), tracker(click("no", FIRST), history))
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"] and "proa_feedback" not in messages[0]
    assert counted("no") == before


def test_an_unknown_answer_is_recorded_as_such():
    messages, _ = run(ActionFeedback(), tracker(click("no", "cccccccccccc")))
    record = messages[0]["proa_feedback"]
    assert record["found"] is False and record["answer_id"] == "cccccccccccc" and record["topic"] is None


def test_a_command_without_a_value_is_asked_again():
    before = counted("other")
    messages, _ = run(ActionFeedback(), tracker([{"entity": "helpful", "value": "bof"}]))
    assert [m["response"] for m in messages] == ["utter_ask_rephrase"]
    assert counted("other") == before


def test_an_error_becomes_the_french_apology(monkeypatch, caplog):
    monkeypatch.setattr("actions.feedback.feedback.click_record", lambda *args: 1 / 0)
    messages, _ = run(ActionFeedback(), tracker(click("no", FIRST)))
    assert [m["response"] for m in messages] == ["utter_service_error"]
    assert "ZeroDivisionError" in caplog.text


def test_the_domain_declares_the_feedback_without_nlu_examples():
    assert "feedback" in DOMAIN["intents"] and "action_feedback" in DOMAIN["actions"]
    entities = {next(iter(e)) if isinstance(e, dict) else e for e in DOMAIN["entities"]}
    assert {"helpful", "answer_id"} <= entities
    intents = {
        item.get("intent")
        for path in (Path(__file__).resolve().parents[2] / "data/nlu").rglob("*.yml")
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
    }
    assert "greet" in intents and not {i for i in intents if str(i).split("/")[0] == "feedback"}


@pytest.mark.parametrize("channel", ["socketio", "slack", "botframework", "rest"])
def test_every_answer_offers_the_feedback_buttons_naming_it(monkeypatch, channel):
    monkeypatch.setenv("PROA_TODAY", "2025-06-01")
    faq = tracker([], events=[], intent="faq", text="combien de temps dure la pro-a ?", channel=channel)
    messages, _ = run(ActionAnswerFaq(), faq)
    record = messages[0]["proa_answer"]
    assert len(record["id"]) == 12
    no = f'/feedback{{"helpful": "no", "answer_id": "{record["id"]}"}}'
    sent = str(messages[0])
    assert no.replace('"', "'") in sent or no in sent
