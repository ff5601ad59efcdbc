"""channels/guarded.py: request validation, text cleaning and the busy answer, with a
fake agent (no model). The same behaviour with the real assistant is checked by
tests/e2e/test_bad_input.py and tests/e2e/test_faults.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rasa.core.actions.action
import requests
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from rasa.core.run import configure_app
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot import wording
from channels import guarded
from channels.guarded import BUSY_TEXT, EMPTY_TEXT, GuardedRestInput, clean_text, is_valid_command
from channels.input_checks import MAX_SENDER_CHARS
from stores.sql_tracker_store import CheckedSQLTrackerStore
from tests.channels.rasa_failures import run_failing_action

WEBHOOK = "/webhooks/rest/webhook"


class ScriptedAgent:
    """Stands for Rasa's agent: runs ``behaviour(message)`` for every message."""

    def __init__(self, behaviour: Callable[[UserMessage], Any]) -> None:
        self.behaviour = behaviour
        self.texts: list[str] = []

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: UserMessage) -> None:
        self.texts.append(message.text)
        await self.behaviour(message)


async def answers(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "Voici la réponse."})


async def raises(message: UserMessage) -> None:
    raise RuntimeError(f"boom with {message.text}")


async def action_fails(message: UserMessage) -> None:
    # What Rasa's processor does when the action server is down: the action raises, the
    # processor logs it and goes on (here it still sends a message predicted after the
    # failed action).
    await run_failing_action(message)
    await message.output_channel.send_response(message.sender_id, {"text": "Autre chose ?"})


async def silent(message: UserMessage) -> None:
    return None


@pytest.fixture
def serve_agent(serve_app) -> Callable[[Callable], Any]:
    opened = []

    def start(behaviour: Callable) -> tuple:
        agent = ScriptedAgent(behaviour)
        app = configure_app([GuardedRestInput()], enable_api=False)
        app.ctx.agent = agent
        context = serve_app(app)
        url = context.__enter__()
        opened.append(context)
        return url, agent

    yield start
    for context in opened:
        context.__exit__(None, None, None)


def post(
    url: str, payload: Any = None, data: bytes | None = None, content_type: str = "application/json"
) -> requests.Response:
    if data is None:
        import json

        data = json.dumps(payload).encode("utf-8")
    return requests.post(url + WEBHOOK, data=data, headers={"Content-Type": content_type}, timeout=10)


def texts(response: requests.Response) -> list[str]:
    return [m.get("text") for m in response.json()]


def test_normal_answer_passes_through(serve_agent):
    url, agent = serve_agent(answers)
    response = post(url, {"sender": "a", "message": "  Bonjour  "})
    assert response.status_code == 200
    assert texts(response) == ["Voici la réponse."]
    assert agent.texts == ["Bonjour"]


@pytest.mark.parametrize("behaviour", [raises, action_fails, silent])
def test_busy_text_when_handling_fails(serve_agent, behaviour, caplog):
    url, _ = serve_agent(behaviour)
    with caplog.at_level(logging.INFO):
        response = post(url, {"sender": "a", "message": "secret marker 1234"})
    assert response.status_code == 200
    assert texts(response)[-1] == BUSY_TEXT
    assert "secret marker" not in caplog.text


def test_busy_flag_does_not_leak_to_the_next_message(serve_agent):
    url, _ = serve_agent(answers)
    assert texts(post(url, {"sender": "a", "message": "un"})) == ["Voici la réponse."]
    assert texts(post(url, {"sender": "a", "message": "deux"})) == ["Voici la réponse."]


@pytest.mark.parametrize("message", ["", "   ", "\n\t", "<script></script>", "\x00\x01"])
def test_empty_message_gets_a_french_prompt_without_the_model(serve_agent, message):
    url, agent = serve_agent(answers)
    response = post(url, {"sender": "a", "message": message})
    assert response.status_code == 200
    assert texts(response) == [EMPTY_TEXT]
    assert agent.texts == []


def test_text_is_cleaned_and_cut(serve_agent):
    url, agent = serve_agent(answers)
    post(url, {"sender": "a", "message": "<b>cariste</b>  <script>x()</script>\x00 en CDI"})
    post(url, {"sender": "a", "message": "mot " * 5000})
    assert agent.texts[0] == "cariste x() en CDI"
    assert 900 < len(agent.texts[1]) <= guarded.MAX_MESSAGE_CHARS


@pytest.mark.parametrize(
    "data, content_type, status, code",
    [
        (b'{"sender": "a", "message": ', "application/json", 400, "invalid_json"),
        (b"", "application/json", 400, "invalid_json"),
        (b"\xff\xfe", "application/json", 400, "invalid_json"),
        (b"[1, 2]", "application/json", 400, "invalid_body"),
        (b'{"message": "bonjour"}', "application/json", 400, "invalid_sender"),
        (b'{"sender": 12, "message": "bonjour"}', "application/json", 400, "invalid_sender"),
        (b'{"sender": "a", "message": 12}', "application/json", 400, "invalid_message"),
        (b'{"sender": "a"}', "application/json", 400, "invalid_message"),
        (b'{"sender": "a", "message": "b", "metadata": []}', "application/json", 400, "invalid_metadata"),
        (b'{"sender": "a", "message": "bonjour"}', "text/plain", 415, "unsupported_media_type"),
        (b"sender=a&message=b", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_bad_requests_get_a_french_4xx(serve_agent, data, content_type, status, code):
    url, agent = serve_agent(answers)
    response = post(url, data=data, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"] == code
    assert response.json()["message"] == wording.text("channels", f"request_errors.{code}", max_chars=MAX_SENDER_CHARS)
    assert agent.texts == []


def test_too_large_body(serve_agent, monkeypatch):
    monkeypatch.setattr(guarded, "MAX_BODY_BYTES", 1000)
    url, _ = serve_agent(answers)
    response = post(url, {"sender": "a", "message": "x" * 2000})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_json_charset_is_accepted(serve_agent):
    url, _ = serve_agent(answers)
    response = post(url, {"sender": "a", "message": "bonjour"}, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_clean_text():
    assert clean_text(None) == ""
    assert clean_text("a <b>b</b> 3 < 4 > 2") == "a b 3 4 2"
    assert clean_text("x" * 50, limit=10) == "x" * 10
    assert clean_text("aaaa bbbb cccc", limit=11) == "aaaa bbbb"


def test_commands():
    names = ({"inform", "faq", "affirm"}, {"metier_id", "contract"})
    assert is_valid_command('/inform{"metier_id": "logistique/x"}', names)
    assert is_valid_command("/affirm", names)
    assert is_valid_command("/faq/duration", names)
    assert not is_valid_command("/inform{not json", names)
    assert not is_valid_command("/secret_intent", names)
    assert not is_valid_command('/inform{"secret": 1}', names)
    assert not is_valid_command("/inform[1]", names)


def test_action_timeout_is_shortened():
    assert rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT == guarded.ACTION_TIMEOUT
    assert guarded.ACTION_TIMEOUT <= 30


# --- issue 14, finding 6 -------------------------------------------------------------


class RecordingAgent(ScriptedAgent):
    def __init__(self) -> None:
        super().__init__(answers)
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        await super().handle_message(message)


@pytest.fixture
def recording(serve_app):
    agent = RecordingAgent()
    app = configure_app([GuardedRestInput()], enable_api=False)
    app.ctx.agent = agent
    with serve_app(app) as url:
        yield url, agent


def test_deeply_nested_json_gets_a_400(recording):
    url, agent = recording
    for depth in (20, 30_000):
        body = b'{"sender": "a", "message": "b", "metadata": ' + b'{"x": ' * depth + b"1" + b"}" * depth + b"}"
        response = post(url, data=body)
        assert response.status_code == 400 and response.json()["error"] in ("invalid_json", "invalid_metadata")
    assert agent.messages == []


def test_large_metadata_is_refused(recording):
    url, agent = recording
    response = post(url, {"sender": "a", "message": "bonjour", "metadata": {"x": "y" * 250_000}})
    assert response.status_code == 413 and response.json()["error"] in ("metadata_too_large", "payload_too_large")
    response = post(url, {"sender": "a", "message": "bonjour", "metadata": {"idcc": 1404}})
    assert response.status_code == 200
    assert agent.messages[-1].metadata == {"idcc": 1404}


def test_input_channel_comes_from_the_channel(recording):
    url, agent = recording
    assert post(url, {"sender": "a", "message": "bonjour", "input_channel": "slack"}).status_code == 200
    assert agent.messages[-1].input_channel == "rest"


def test_typed_command_values_are_cleaned(recording):
    url, agent = recording
    # The markup comes as JSON escapes: clean_text of the raw text cannot see it.
    post(
        url,
        {"sender": "a", "message": '/inform{"metier": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e cariste"}'},
    )
    assert "<" not in agent.texts[-1] and "script" not in agent.texts[-1].replace("alert", "")
    assert agent.texts[-1].startswith('/inform{"metier": ')


def test_commands_sanitised_or_refused():
    names = ({"inform", "faq", "session_start", "restart"}, {"metier_id", "metier", "age"})
    # A button's payload passes unchanged.
    assert guarded.command_entities('/inform{"metier_id": "logistique/cariste"}', names) == {
        "metier_id": "logistique/cariste"
    }
    assert guarded.command_entities('/inform{"metier": "\\u003cb\\u003ecariste\\u003c/b\\u003e"}', names) == {
        "metier": "cariste"
    }
    assert guarded.command_entities('/inform{"age": 30}', names) == {"age": 30}
    for refused in (
        '/inform{"metier": {"a": 1}}',
        '/inform{"metier": ["x"]}',
        '/inform{"metier": "<>"}',
        '/inform{"metier": "' + "x" * 500 + '"}',
        "/session_start",
        "/restart",
        '/inform{"age": true}',
    ):
        assert guarded.command_entities(refused, names) is None, refused


def test_typed_session_start_is_plain_text(recording):
    url, agent = recording
    post(url, {"sender": "a", "message": "/session_start"})
    post(url, {"sender": "a", "message": "/restart"})
    assert agent.texts[-2:] == ["session_start", "restart"]


def read_only_store(path: Path) -> CheckedSQLTrackerStore:
    store = CheckedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))
    sa.event.listen(store.engine, "connect", lambda connection, _: connection.execute("PRAGMA query_only = ON"))
    store.engine.dispose()  # new connections get the pragma
    return store


def test_store_failure_gives_only_the_busy_text(serve_agent, tmp_path):
    """Issue 14, finding 5: a failed save reaches the person as the busy message."""
    store = read_only_store(tmp_path / "trackers.db")

    async def store_fails(message: UserMessage) -> None:
        # Rasa's turn when the database fails: answers computed on a tracker that will
        # not be stored; the project's store records the failure on the turn.
        await message.output_channel.send_response(message.sender_id, {"text": "Bonjour, quel est votre métier ?"})
        await store.save(DialogueStateTracker.from_events(message.sender_id, [ActionExecuted("action_listen")]))

    url, _ = serve_agent(store_fails)
    response = post(url, {"sender": "a", "message": "bonjour"})
    assert response.status_code == 200
    assert texts(response) == [BUSY_TEXT]
    # The next turn is not affected.
    url2, _ = serve_agent(answers)
    assert texts(post(url2, {"sender": "a", "message": "bonjour"})) == ["Voici la réponse."]


# --- issue 21 ---------------------------------------------------------------------------


def test_failed_action_gives_only_the_busy_text(serve_agent):
    """Issue 21, finding 9: REST got « Autre chose ? » (what Rasa predicts after a failed
    action) and then the busy message; now only the busy message."""
    url, _ = serve_agent(action_fails)
    assert texts(post(url, {"sender": "a", "message": "bonjour"})) == [BUSY_TEXT]


def test_unpaired_surrogates_are_removed_from_the_message(recording):
    """Issue 21, finding 6: a lone surrogate reached the model and the stores (busy message,
    GraphComponentException in the log)."""
    url, agent = recording
    response = post(url, data=b'{"sender": "a", "message": "\\ud800 cariste \\udfff en CDI \\ud83d\\ude00"}')
    assert response.status_code == 200
    assert agent.texts == ["cariste en CDI \U0001f600"]  # a valid pair is one character, kept
    agent.texts.clear()
    assert texts(post(url, data=b'{"sender": "a", "message": "\\ud800"}')) == [EMPTY_TEXT]
    assert agent.texts == []


def test_sender_with_an_unpaired_surrogate_gets_a_400(recording):
    """A sender id is never rewritten (two ids would become one): it is refused."""
    url, agent = recording
    response = post(url, data=b'{"sender": "marie\\ud800", "message": "bonjour"}')
    assert response.status_code == 400 and response.json()["error"] == "invalid_sender"
    response = post(url, data=b'{"sender": "a", "message": "b", "metadata": {"x": "\\udc00"}}')
    assert response.status_code == 400 and response.json()["error"] == "invalid_metadata"
    assert agent.messages == []
