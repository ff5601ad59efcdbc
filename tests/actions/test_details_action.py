"""``action_show_details`` sends the details of the answer its button names."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.details import ActionShowDetails

ANSWER_ID = "0123456789ab"
RECORD = {
    "type": "proa_answer",
    "id": ANSWER_ID,
    "details": {
        "parts": [{"heading": None, "text": "Prudence : vérifiez la fiche RNCP.", "detail": True}],
        "notes": ["Liste : annexe de l'accord du 22 janvier 2021, version initiale."],
        "change": {"kind": "recalled", "heading": "", "text": "Rappel : depuis le 1er janvier 2026, …"},
        "sources": [
            {
                "label": "Code du travail, art. L6324-1",
                "url": "https://www.legifrance.gouv.fr/x",
                "checked_on": "2026-12-01",
            }
        ],
    },
}


def tracker(channel: str, answer_id: str) -> Tracker:
    events = [
        {"event": "user", "text": "cariste BTS ?", "input_channel": channel, "parse_data": {}},
        {"event": "bot", "text": "Oui, …", "metadata": {"proa_answer": RECORD}},
        {"event": "user", "text": "/show_details", "input_channel": channel, "parse_data": {}},
    ]
    latest = {"intent": {"name": "show_details"}, "entities": [{"entity": "answer_id", "value": answer_id}], "text": ""}
    return Tracker("adviser", {}, latest, events, False, None, {}, "action_listen")


def run(channel: str, answer_id: str) -> list[dict]:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionShowDetails().run(dispatcher, tracker(channel, answer_id), {}))
    return dispatcher.messages


def test_slack_gets_the_details_as_blocks():
    [message] = run("slack", ANSWER_ID)
    text = json.dumps(message["custom"], ensure_ascii=False)
    assert "Prudence" in text and "Code du travail" in text and "Vérifié le 1er décembre 2026" in text


def test_another_channel_gets_them_as_text():
    [message] = run("rest", ANSWER_ID)
    assert message["text"].startswith("Détails et sources") and "https://www.legifrance.gouv.fr/x" in message["text"]


def test_an_unknown_answer_says_so():
    [message] = run("slack", "ffffffffffff")
    assert message["response"] == "utter_details_missing"
