"""``/metrics`` on the action server (issue 22): counters, labels, access."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from actions import metrics
from actions.metrics import REGISTRY, allowed_networks, client_allowed, count_answer, count_feedback, count_reply
from tests.e2e.stack import REPO, free_port, wait_http


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_answers_are_counted_by_topic_outcome_and_channel():
    before = _value("proa_answers_total", topic="faq:duration", outcome="answered", channel="slack")
    count_answer({"topic": "faq:duration", "verdict": "info", "verdict_line": "De 6 à 12 mois."}, "slack")
    assert _value("proa_answers_total", topic="faq:duration", outcome="answered", channel="slack") == before + 1

    refused = {
        "topic": "eligibility",
        "verdict": "info",
        "verdict_line": "Ce métier ne figure pas dans la liste de la branche SDLM.",
    }
    before = _value("proa_answers_total", topic="eligibility", outcome="refused", channel="rest")
    count_answer(refused, "rest")
    assert _value("proa_answers_total", topic="eligibility", outcome="refused", channel="rest") == before + 1


def test_nothing_personal_becomes_a_label():
    count_answer(
        {"topic": "marie.dupont@example.org", "verdict": "needs_information", "verdict_line": "?"}, "06 12 34 56 78"
    )
    count_feedback("je n'ai rien compris, appelez-moi")
    count_reply({"responses": [{"response": "utter_ask_rephrase", "text": "Pouvez-vous reformuler ?"}]}, "marie")
    exposition = metrics.generate_latest(REGISTRY).decode()
    for secret in ("marie", "06 12", "appelez"):
        assert secret not in exposition
    assert 'proa_answers_total{channel="other",outcome="asked_back",topic="other"}' in exposition
    assert 'proa_feedback_total{value="other"}' in exposition


def test_feedback_counts_yes_and_no():
    before = _value("proa_feedback_total", value="no")
    count_feedback("no")
    assert _value("proa_feedback_total", value="no") == before + 1


def test_only_loopback_by_default(monkeypatch):
    monkeypatch.delenv("PROA_METRICS_ALLOW", raising=False)
    networks = allowed_networks()
    assert client_allowed("127.0.0.1", networks) and client_allowed("::1", networks)
    assert client_allowed("::ffff:127.0.0.1", networks)
    assert not client_allowed("10.1.2.3", networks) and not client_allowed("", networks)
    monkeypatch.setenv("PROA_METRICS_ALLOW", "10.0.0.0/8, 192.168.1.5")
    networks = allowed_networks()
    assert client_allowed("10.1.2.3", networks) and client_allowed("192.168.1.5", networks)
    assert not client_allowed("192.168.1.6", networks)


def _call(action: str, text: str, intent: str, channel: str = "rest") -> bytes:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.2}, "intent_ranking": [], "entities": []}
    tracker = {
        "sender_id": "metrics-test",
        "slots": {},
        "latest_message": message,
        "latest_input_channel": channel,
        "events": [{"event": "user", "text": text, "parse_data": message, "input_channel": channel}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    call = {"next_action": action, "sender_id": "metrics-test", "version": "3.6.2", "tracker": tracker, "domain": {}}
    return json.dumps(call).encode()


@pytest.fixture(scope="module")
def action_server():
    """The real action server (``rasa_sdk`` with the ``actions`` package), on loopback."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SANIC_HOST": "127.0.0.1", "PROA_WARMUP": "0"},
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
        yield port
    finally:
        process.kill()
        process.wait(timeout=30)


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as reply:
        assert reply.headers["Content-Type"].startswith("text/plain")
        return reply.read().decode()


def test_metrics_move_when_the_action_server_answers(action_server):
    port = action_server
    assert 'proa_answers_total{channel="rest",outcome="fallback",topic="none"}' not in _scrape(port)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook",
        data=_call("action_default_ask_affirmation", "blablabla", "nlu_fallback"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        assert reply.status == 200
    scraped = _scrape(port)
    assert 'proa_answers_total{channel="rest",outcome="fallback",topic="none"} 1.0' in scraped
    assert 'proa_action_seconds_count{action="action_default_ask_affirmation"} 1.0' in scraped
    assert "blablabla" not in scraped and "metrics-test" not in scraped

    # An unknown action is timed under « unknown », never under its name.
    bad = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook",
        data=_call("action_marie_dupont", "x", "greet"),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(bad, timeout=60)
    scraped = _scrape(port)
    assert "marie_dupont" not in scraped and 'proa_action_seconds_count{action="unknown"} 1.0' in scraped


def test_an_answer_sent_by_an_action_is_counted(monkeypatch):
    from actions.answering import ActionAnswerEligibility
    from tests.actions.test_actions import make_tracker, run

    monkeypatch.setenv("PROA_TODAY", "2025-06-01")
    labels = {"topic": "eligibility", "outcome": "answered", "channel": "socketio"}
    before = _value("proa_answers_total", **labels)
    tracker = make_tracker({"contract": "cdd"}, intent="ask_eligibility", channel="socketio")
    messages, _ = run(ActionAnswerEligibility(), tracker)
    assert _value("proa_answers_total", **labels) == before + 1
    # What the answer was is kept with the bot event, whatever the channel renders.
    record = messages[0]["proa_answer"]
    assert record["topic"] == "eligibility" and record["verdict"] and "understood" in record
