"""Fixtures for the channel tests: a Rasa HTTP app served on a loopback port, a fake
agent that answers with the structured payload, and the sample payload.

Everything stays on 127.0.0.1; no test reaches Slack or Microsoft. The Rasa app is
built with ``rasa.core.run.configure_app`` (what ``rasa run`` does), then served by
Sanic in a thread with its own event loop, and called with ``requests``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import UserMessage
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic

from actions.rendering import render_for_channel
from tests.channels.rasa_failures import run_failing_action

# Rasa builds every app under the same Sanic name ("rasa_server"); Sanic refuses a
# second app with a name in use unless it runs in test mode.
Sanic.test_mode = True

# The realistic answer shared with tests/bot/test_render.py: verdict eligible,
# 3 certifications, 1 Légifrance source, 2 buttons, 4 more certifications.
SAMPLE_PAYLOAD_PATH = Path(__file__).resolve().parents[1] / "fixtures/render/answer_eligible.json"
SAMPLE_PAYLOAD: dict[str, Any] = json.loads(SAMPLE_PAYLOAD_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def sample_payload() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_PAYLOAD)


async def send_like_rasa(message: UserMessage, kwargs_list: list[dict[str, Any]]) -> None:
    """Send ``utter_message`` kwargs down ``message.output_channel`` as Rasa would.

    Same path as a custom action: ``CollectingDispatcher.utter_message`` (rasa_sdk),
    ``create_bot_utterance`` (rasa, for the action server's response), then
    ``OutputChannel.send_response(sender_id, BotUttered.message())`` (processor).
    """
    dispatcher = CollectingDispatcher()
    for kwargs in kwargs_list:
        dispatcher.utter_message(**kwargs)
    for response in dispatcher.messages:
        event = create_bot_utterance(copy.deepcopy(response))
        await message.output_channel.send_response(message.sender_id, event.message())


class FakeAgent:
    """Stands for ``rasa.core.agent.Agent``: records messages, answers with a payload.

    ``app.ctx.agent.handle_message`` is what the channel blueprints call
    (``rasa.core.channels.channel.register``); ``is_ready``, ``processor`` and
    ``model_id`` are what ``/status`` reads.
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.messages: list[UserMessage] = []
        self.received = threading.Event()
        self.answered = threading.Event()
        self.errors: list[BaseException] = []
        self.processor = SimpleNamespace(model_filename="20260101-000000-proa.tar.gz")
        self.model_id = "test-model"

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        self.received.set()
        try:
            await send_like_rasa(message, render_for_channel(self.payload, message.input_channel))
        except BaseException as error:  # reported by the test, not swallowed
            self.errors.append(error)
            raise
        finally:
            self.answered.set()


@pytest.fixture
def fake_agent(sample_payload: dict[str, Any]) -> FakeAgent:
    return FakeAgent(sample_payload)


class FailingAgent(FakeAgent):
    """Fails like Rasa's processor when the action server is down: the custom action
    raises (the processor logs it), then the processor sends what it predicts next (a
    fallback question)."""

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        self.received.set()
        try:
            await run_failing_action(message)
            await message.output_channel.send_response(
                message.sender_id, {"text": "Désolé, je n'ai toujours pas compris."}
            )
        finally:
            self.answered.set()


@pytest.fixture
def failing_agent(sample_payload: dict[str, Any]) -> FailingAgent:
    return FailingAgent(sample_payload)


@contextlib.contextmanager
def serve(app: Sanic) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a background thread; yield its base URL."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(app.create_server(sock=sock, return_asyncio_server=True, access_log=False))
            loop.run_until_complete(server.startup())
            loop.run_until_complete(server.before_start())
            loop.run_until_complete(server.after_start())
            holder["server"] = server
        except BaseException as error:
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.before_stop())
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.run_until_complete(server.after_stop())
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=run, name="sanic-test-server", daemon=True)
    thread.start()
    assert ready.wait(30), "the Sanic test server did not start"
    if failure:
        raise failure[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        sock.close()


@pytest.fixture
def serve_app() -> Callable[[Sanic], contextlib.AbstractContextManager[str]]:
    return serve
