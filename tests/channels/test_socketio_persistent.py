"""channels.socketio_persistent: with session_persistence, bot messages reach the socket.

Rasa's own SocketIOInput (3.6) forgets to await ``enter_room`` with python-socketio >= 5.10,
so replies sent to the session's room are lost. The channel is served here by aiohttp
(same handlers, another async mode) and driven by a python-socketio client.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path
from typing import Any, List
from unittest import mock

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))

socketio = pytest.importorskip("socketio")
web = pytest.importorskip("aiohttp.web")


def serve(channel_class: Any) -> Any:
    import rasa.core.channels.socketio as rasa_socketio

    async def on_new_message(message: Any) -> None:
        await message.output_channel.send_response(
            message.sender_id,
            {"text": f"reçu : {message.text}", "custom": {"data": {"type": "proa_answer", "text": "x"}}},
        )

    def factory(**kwargs: Any) -> Any:
        # Short pings: a polling client that disconnects waits for the pending long poll.
        return socketio.AsyncServer(
            **{**kwargs, "async_mode": "aiohttp", "ping_interval": 1, "ping_timeout": 1}
        )

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


def exchange(port: int) -> List[Any]:
    received: List[Any] = []
    client = socketio.Client()
    client.on("bot_uttered", received.append)
    confirmed = threading.Event()
    client.on("session_confirm", lambda session_id: confirmed.set())
    client.connect(f"http://127.0.0.1:{port}", transports=["polling"], wait_timeout=5)
    try:
        client.emit("session_request", {"session_id": "a1b2c3d4e5f6a7b8"})
        assert confirmed.wait(5)
        client.emit("user_uttered", {"message": "bonjour", "session_id": "a1b2c3d4e5f6a7b8"})
        deadline = time.monotonic() + 5
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        client.disconnect()
    return received


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
