"""Odd or hostile input on the REST webhook: each gets a clear French answer or an HTTP
4xx with a French JSON error, never a 500; no markup is echoed; the server keeps
answering afterwards."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.talk import BUSY_TEXT, joined, looks_french, no_markup, user_texts

pytestmark = pytest.mark.e2e

WEBHOOK = "/webhooks/rest/webhook"

LONG_FRENCH = (
    "Bonjour, je travaille comme préparateur de commandes dans une entreprise de "
    "logistique depuis plusieurs années et je voudrais savoir si je peux suivre une "
    "formation en alternance pour devenir cariste. "
) * 60

MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "long_letters": "a" * 10_000,
    "long_french": LONG_FRENCH[:10_000],
    "emoji_only": "😀🎉👍🙏",
    "html": "<b>Bonjour</b>, je suis <i>cariste</i>",
    "script": "<script>alert('pwned')</script>",
    "script_in_question": "Quelles certifications pour un <script>alert(1)</script> cariste ?",
    "sql": "'; DROP TABLE events; --",
    "sql_metier": "Je suis cariste'); DELETE FROM events WHERE ('1'='1",
    "english": "What training can I get as a forklift driver?",
    "spanish": "¿Tengo derecho a una formación como carretillero?",
    "control_chars": "bonjour\x00\x07\x1b[31m",
    "slash_garbage": "/inform{not json",
}


def _post(rasa_server, payload: object, content_type: str = "application/json"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    return rasa_server.post(WEBHOOK, body, content_type=content_type)


@pytest.mark.parametrize("name", list(MESSAGES))
def test_odd_messages_get_a_french_answer(rasa_server, name):
    sender = f"bad-{name}-{uuid.uuid4().hex[:6]}"
    status, answer = _post(rasa_server, {"sender": sender, "message": MESSAGES[name]})
    assert status == 200, (status, answer)
    assert isinstance(answer, list) and answer, answer
    text = joined(answer)
    assert looks_french(text), text
    assert BUSY_TEXT not in text, text
    assert no_markup(answer), answer
    if name in ("script", "script_in_question", "html"):
        assert "<" not in text, text


def test_long_messages_are_cut_in_the_tracker(rasa_server):
    sender = f"bad-long-{uuid.uuid4().hex[:6]}"
    status, _ = _post(rasa_server, {"sender": sender, "message": LONG_FRENCH[:10_000]})
    assert status == 200
    stored = [e["text"] for e in rasa_server.tracker(sender)["events"] if e.get("event") == "user"]
    assert stored and all(len(text) <= 1000 for text in stored), [len(t) for t in stored]


def test_markup_never_reaches_the_tracker(rasa_server):
    sender = f"bad-markup-{uuid.uuid4().hex[:6]}"
    _post(rasa_server, {"sender": sender, "message": MESSAGES["script_in_question"]})
    tracker = rasa_server.tracker(sender)
    assert "<script" not in json.dumps(tracker, ensure_ascii=False).lower()


REQUESTS = {
    "malformed_json": (b'{"sender": "x", "message": ', "application/json", 400),
    "not_utf8": (b'{"sender": "x", "message": "\xff\xfe"}', "application/json", 400),
    "empty_body": (b"", "application/json", 400),
    "json_array": (b'["bonjour"]', "application/json", 400),
    "json_string": (b'"bonjour"', "application/json", 400),
    "no_sender": (b'{"message": "bonjour"}', "application/json", 400),
    "empty_sender": (b'{"sender": "  ", "message": "bonjour"}', "application/json", 400),
    "long_sender": (json.dumps({"sender": "x" * 300, "message": "bonjour"}).encode(), "application/json", 400),
    "number_message": (b'{"sender": "x", "message": 42}', "application/json", 400),
    "null_message": (b'{"sender": "x", "message": null}', "application/json", 400),
    "metadata_not_object": (b'{"sender": "x", "message": "bonjour", "metadata": "x"}', "application/json", 400),
    "text_plain": (b'{"sender": "x", "message": "bonjour"}', "text/plain", 415),
    "form": (b"sender=x&message=bonjour", "application/x-www-form-urlencoded", 415),
    "no_content_type": (b'{"sender": "x", "message": "bonjour"}', None, 415),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_malformed_requests_get_a_4xx_in_french(rasa_server, name):
    body, content_type, expected = REQUESTS[name]
    status, answer = rasa_server.post(WEBHOOK, body, content_type=content_type)
    assert status == expected, (status, answer)
    assert isinstance(answer, dict) and answer.get("error"), answer
    assert looks_french(answer["message"]), answer


def test_server_still_answers_and_store_is_intact(rasa_server):
    # The SQL-like messages above went through the tracker store: it must still work.
    sender = f"bad-after-{uuid.uuid4().hex[:6]}"
    _post(rasa_server, {"sender": sender, "message": MESSAGES["sql"]})
    answer = joined(rasa_server.say(sender, "Bonjour"))
    assert looks_french(answer), answer
    assert user_texts(rasa_server.tracker(sender)) == [MESSAGES["sql"], "Bonjour"]
