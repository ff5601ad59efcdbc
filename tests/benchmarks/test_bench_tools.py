"""The load benchmark's own tools: CPU accounting from /proc, percentiles, and the
sequential and open-loop clients against a small fake REST bot (no Rasa)."""

from __future__ import annotations

import asyncio
import collections
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import web

from benchmarks import bench_load
from benchmarks.bench_load import Bot, Measure, Turn, _pct, run_open, run_sequential
from benchmarks.procstat import CpuMeter, cpu_seconds, tree

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _burn(seconds: float) -> None:
    """Use ``seconds`` of this process' CPU (measured by CPU time, not wall time)."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        sum(range(1000))


def test_cpu_of_a_process_tree_counts_its_own_work():
    meter = CpuMeter({"me": [__import__("os").getpid()]}).start()
    _burn(0.3)
    used = meter.stop()["me"]
    assert used >= 0.2  # clock ticks are 10 ms: generous margin


def test_tree_holds_the_children_and_their_cpu_is_counted():
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\ntime.sleep(60)",
        ]
    )
    try:
        deadline = time.monotonic() + 60
        parent = __import__("os").getpid()
        while cpu_seconds([child.pid]) < 0.2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert child.pid in tree([parent])
        assert cpu_seconds([parent]) >= cpu_seconds([child.pid]) >= 0.2
    finally:
        child.kill()
        child.wait()


def test_percentiles_are_nearest_rank_in_ms():
    latencies = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert _pct(latencies, 50) == pytest.approx(51, abs=1)
    assert _pct(latencies, 95) == pytest.approx(95, abs=1)
    assert _pct([], 95) == 0.0


def test_summary_counts_errors_lost_busy_and_cpu_per_message():
    measure = Measure(
        turns=[
            Turn(0.1, True, True, False),
            Turn(0.2, False, False, False),
            Turn(0.3, True, False, False),
            Turn(0.1, True, True, True),
        ],
        wall=2.0,
        cpu={"rasa": 0.4, "actions": 0.04},
        action_calls={"action_x": 6},
    )
    summary = measure.summary()
    assert (summary["errors"], summary["lost"], summary["busy"]) == (1, 1, 1)
    assert summary["msg_per_s"] == 2.0
    assert summary["cpu_ms_per_msg"] == pytest.approx(110)
    assert summary["cpu_ms_per_msg_by_process"]["actions"] == pytest.approx(10)
    assert summary["action_calls_per_msg"] == 1.5


@pytest.fixture
def fake_bot(tmp_path):
    """A REST webhook that answers every message; counts messages per sender."""
    received = collections.Counter()

    async def webhook(request):
        body = await request.json()
        received[body["sender"]] += 1
        return web.json_response([{"recipient_id": body["sender"], "text": "Bonjour"}])

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    calls = tmp_path / "calls.txt"
    calls.write_text("action_a\naction_a\n", encoding="utf-8")
    bot = Bot("fake", [f"http://127.0.0.1:{port}/webhooks/rest/webhook"], [["a", "b", "c"]], lambda: {}, calls)
    import threading

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield bot, received
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


def test_sequential_conversations_use_a_new_sender_each(fake_bot):
    bot, received = fake_bot
    measure = asyncio.run(run_sequential(bot, duration=60, timeout=30, seed=1, max_conversations=4))
    assert measure.conversations == 4
    assert len(measure.turns) == 12 and all(t.ok and t.answered for t in measure.turns)
    assert len(received) == 4 and set(received.values()) == {3}
    assert measure.action_calls == {}  # no new call logged during the measurement


def test_open_loop_starts_at_steady_state_and_stops_in_time(fake_bot, monkeypatch):
    bot, received = fake_bot
    monkeypatch.setattr(bench_load, "THINK", (0.05, 0.1))
    measure = asyncio.run(run_open(bot, target=5, duration=1.5, timeout=30, seed=3, max_conversations=200))
    assert measure.turns and all(t.ok for t in measure.turns)
    assert measure.concurrency_max >= 1
    # Conversations already under way at the start begin after their first turn.
    assert any(count < 3 for count in received.values())
