"""channels.socketio_persistent: with session_persistence, bot messages reach the socket;
sessions are issued and signed by the server and bound to their connection; bad events
are refused (issue 14, findings 3 and 6).

Rasa's own SocketIOInput (3.6) forgets to await ``enter_room`` with python-socketio >= 5.10,
so replies sent to the session's room are lost. The channel is served here by aiohttp
(same handlers, another async mode) and driven by python-socketio clients.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))

from bot import wording  # noqa: E402

socketio = pytest.importorskip("socketio")
web = pytest.importorskip("aiohttp.web")

#: What a refused socket.io message gets back.
UNREADABLE = {"text": wording.text("channels", "socketio_unreadable")}


@pytest.fixture(autouse=True)
def session_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROA_SESSION_SECRET", "test-secret-" + "x" * 32)


def serve(channel_class: Any, seen: Any = None) -> Any:
    import rasa.core.channels.socketio as rasa_socketio

    async def on_new_message(message: Any) -> None:
        if seen is not None:
            seen.append(message)
        await message.output_channel.send_response(
            message.sender_id,
            {"text": f"reçu : {message.text}", "custom": {"data": {"type": "proa_answer", "text": "x"}}},
        )

    def factory(**kwargs: Any) -> Any:
        # Short pings: a polling client that disconnects waits for the pending long poll.
        return socketio.AsyncServer(**{**kwargs, "async_mode": "aiohttp", "ping_interval": 1, "ping_timeout": 1})

    channel = channel_class(session_persistence=True)
    with mock.patch.object(rasa_socketio, "AsyncServer", factory):
        channel.blueprint(on_new_message)

    loop = asyncio.new_event_loop()
    state: dict = {}
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        app = web.Application()
        channel.sio.attach(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        state["port"] = runner.addresses[0][1]
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return state["port"], stop


class Client:
    """A python-socketio client that records its bot messages and confirmed session."""

    def __init__(self, port: int) -> None:
        self.received: list[Any] = []
        self.session_id: Any = None
        self.confirmed = threading.Event()
        self.sio = socketio.Client()
        self.sio.on("bot_uttered", self.received.append)
        self.sio.on("session_confirm", self._confirm)
        self.sio.connect(f"http://127.0.0.1:{port}", transports=["polling"], wait_timeout=5)

    def _confirm(self, session_id: Any) -> None:
        self.session_id = session_id
        self.confirmed.set()

    def request_session(self, session_id: Any = None) -> Any:
        self.confirmed.clear()
        self.sio.emit("session_request", {"session_id": session_id})
        assert self.confirmed.wait(30)
        return self.session_id

    def say(self, data: Any, expected: int = 1) -> list[Any]:
        start = len(self.received)
        self.sio.emit("user_uttered", data)
        deadline = time.monotonic() + 30  # generous: returns as soon as the answers are in
        while len(self.received) < start + expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received[start:]

    def close(self) -> None:
        self.sio.disconnect()


def exchange(port: int) -> list[Any]:
    client = Client(port)
    try:
        session_id = client.request_session("a1b2c3d4e5f6a7b8")
        assert session_id != "a1b2c3d4e5f6a7b8"  # issued by the server, not chosen
        return client.say({"message": "bonjour", "session_id": session_id}, expected=2)
    finally:
        client.close()


def test_replies_reach_the_session_room() -> None:
    from channels.socketio_persistent import PersistentSocketIOInput

    assert PersistentSocketIOInput.name() == "socketio"
    port, stop = serve(PersistentSocketIOInput)
    try:
        received = exchange(port)
    finally:
        stop()
    # Text first, then the custom payload as its own bot_uttered (json_message={"data": ...}).
    assert received == [{"text": "reçu : bonjour"}, {"type": "proa_answer", "text": "x"}]


@pytest.fixture
def served() -> Any:
    from channels.socketio_persistent import PersistentSocketIOInput

    seen: list[Any] = []
    port, stop = serve(PersistentSocketIOInput, seen)
    yield port, seen
    stop()


def test_session_cannot_be_taken_over(served: Any) -> None:
    """Finding 3: a second client that knows Marie's id does not get her conversation."""
    port, seen = served
    marie, intruder = Client(port), Client(port)
    try:
        session_id = marie.request_session()
        conversation_id = session_id.split("-")[0]
        # Resuming with the genuine id (page reload) keeps the conversation.
        assert marie.request_session(session_id) == session_id
        # The intruder asks for her session id, or for her bare conversation id: new one.
        for stolen in (conversation_id, conversation_id + "-" + "0" * 32):
            assert intruder.request_session(stolen).split("-")[0] != conversation_id
        # Writing into her conversation from the intruder's connection is refused.
        answer = intruder.say({"message": "je suis Marie", "session_id": session_id})
        assert answer == [UNREADABLE]
        assert [m.sender_id for m in seen] == []
        # Marie's own message goes through, and the intruder receives nothing of it.
        before = len(intruder.received)
        assert marie.say({"message": "bonjour", "session_id": session_id}, expected=2)[0] == {"text": "reçu : bonjour"}
        assert [m.sender_id for m in seen] == [conversation_id]
        # A barrier instead of a pause: the server answers the intruder's next event after
        # anything it had already sent to the intruder's connection, so a leaked reply to
        # Marie would arrive before this refusal.
        barrier = intruder.say({"message": 42})
        assert barrier == [UNREADABLE], barrier
        assert intruder.received[before:] == barrier
    finally:
        marie.close()
        intruder.close()


@pytest.mark.parametrize(
    "data",
    [
        "bonjour",
        {"message": 42},
        {"message": ["bonjour"]},
        {"message": "bonjour", "metadata": "not json"},
        {"message": "bonjour", "metadata": [1, 2]},
        {"message": "bonjour", "metadata": {"x": "y" * 10_000}},
        {"message": "bonjour", "metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}}},
        {"message": "bonjour", "session_id": "x" * 10_000},
    ],
    ids=[
        "not_object",
        "number",
        "list",
        "metadata_text",
        "metadata_list",
        "metadata_large",
        "metadata_deep",
        "long_session",
    ],
)
def test_bad_events_are_refused(served: Any, data: Any) -> None:
    """Finding 6: the socket.io channel has the REST channel's checks."""
    port, seen = served
    client = Client(port)
    try:
        client.request_session()
        answer = client.say(data)
        assert answer == [UNREADABLE], answer
        assert seen == []
    finally:
        client.close()


def test_message_without_session_request_is_refused(served: Any) -> None:
    port, seen = served
    client = Client(port)
    try:
        answer = client.say({"message": "bonjour", "session_id": "a1b2c3d4e5f6a7b8"})
        assert answer == [UNREADABLE]
        assert seen == []
    finally:
        client.close()


def test_secret_file_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.session_ids import SessionSigner, load_secret

    path = tmp_path / "secret"
    env = {"PROA_SESSION_SECRET_FILE": str(path)}
    secret = load_secret(env)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_secret(env) == secret  # same secret at the next start
    signer = SessionSigner(secret)
    session_id = signer.issue()
    assert signer.conversation_id(session_id) == session_id.split("-")[0]
    assert SessionSigner(b"another secret of enough length!").conversation_id(session_id) is None
