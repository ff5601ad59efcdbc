"""Finding 1 of issue 14: malformed request framing gets a 400, and the server goes on.

A small Sanic 21.12 app (the version Rasa and rasa-sdk run on) is started in a
subprocess with and without the patch ``sanic_http`` (:func:`servers.patches.apply_action_server`); the raw probes of
tests/e2e/probes.py are sent over a socket. The same probes against the real stack:
tests/e2e/test_security.py.

Issue 21: a malformed header block (``Transfer-Encoding : chunked``, a line without a
colon, a folded line…) gets a 400 and nothing is smuggled; a compressed body is refused
(415) where nothing decompresses it; webhook bodies are limited; and on an app built
like the action server (rasa-sdk's ``create_app`` with :func:`protect_action_server_apps`,
as the ``actions`` package calls it) a deflate bomb gets a 413, bad chunks a 400, and no
error answer echoes the request.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import urllib.request
import zlib
from pathlib import Path

import pytest

from servers.http_guard import framing_problem
from tests.e2e.probes import BODY, framing_probes, send_raw
from tests.e2e.stack import REPO, free_port, wait_http

APP = textwrap.dedent(
    """
    import sys
    from sanic import Sanic, response
    from servers.patches import apply_action_server
    apply_action_server()
    app = Sanic("probe")

    # Like rasa-sdk's action server: every exception becomes a 500.
    @app.exception(Exception)
    async def everything_500(request, exception):
        return response.json({"error": "x"}, status=500)

    @app.post("/")
    async def echo(request):
        return response.json({"bytes": len(request.body)})

    @app.post("/webhooks/rest/webhook")
    async def webhook(request):
        return response.json({"bytes": len(request.body)})

    @app.get("/status")
    async def status(request):
        return response.json({"ok": True})

    app.run("127.0.0.1", int(sys.argv[1]), access_log=False)
    """
)


@pytest.mark.parametrize(
    "lengths, encodings, refused",
    [
        ([], [], False),
        (["42"], [], False),
        (["42", "42"], [], False),
        ([], ["chunked"], False),
        ([], ["Chunked"], False),
        (["-1"], [], True),
        (["abc"], [], True),
        (["+42"], [], True),
        (["4 2"], [], True),
        (["42", "5"], [], True),
        (["42"], ["chunked"], True),
        ([], ["chunked, identity"], True),
        ([], ["gzip"], True),
        ([], ["chunked", "chunked"], True),
    ],
)
def test_framing_problem(lengths, encodings, refused):
    assert (framing_problem(lengths, encodings) is not None) is refused


@pytest.fixture(scope="module")
def guarded_app():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", APP, str(port)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/status", timeout=120, process=process)
        yield port
    finally:
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize("name", list(framing_probes("/")))
def test_malformed_framing_gets_400_and_server_goes_on(guarded_app, name):
    assert send_raw(guarded_app, framing_probes("/")[name]) == 400
    with urllib.request.urlopen(f"http://127.0.0.1:{guarded_app}/status", timeout=30) as answer:
        assert answer.status == 200


def test_well_framed_requests_still_work(guarded_app):
    request = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(BODY)}\r\n\r\n".encode() + BODY
    assert send_raw(guarded_app, request) == 200
    chunked = (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(BODY):x}\r\n".encode()
        + BODY
        + b"\r\n0\r\n\r\n"
    )
    assert send_raw(guarded_app, chunked) == 200


# --- issue 21 -----------------------------------------------------------------------------

from tests.channels.raw_http import (  # noqa: E402
    bad_chunk_probes,
    deflate_bomb,
    exchange,
    header_probes,
    request,
    smuggling_probe,
    statuses,
    timed,
)


@pytest.mark.parametrize("name", list(header_probes("/")))
def test_malformed_header_block_gets_400(guarded_app, name):
    assert statuses(exchange(guarded_app, header_probes("/")[name])) == [400]


def test_space_before_colon_smuggles_nothing(guarded_app):
    """Sanic ignored ``Transfer-Encoding : chunked`` and read the body as a second request."""
    assert statuses(exchange(guarded_app, smuggling_probe("/", "/status"))) == [400]


def test_compressed_body_is_refused_where_nothing_decompresses_it(guarded_app):
    probe = request("/webhooks/rest/webhook", "Content-Type: application/json", "Content-Encoding: gzip", body=b"x")
    assert statuses(exchange(guarded_app, probe)) == [415]
    plain = request(
        "/webhooks/rest/webhook", "Content-Type: application/json", "Content-Encoding: identity", body=b"{}"
    )
    assert statuses(exchange(guarded_app, plain)) == [200]


def test_webhook_body_is_limited_before_it_is_read(guarded_app):
    from servers.http_guard import MAX_WEBHOOK_BYTES

    size = MAX_WEBHOOK_BYTES + 1
    head = request("/webhooks/rest/webhook", "Content-Type: application/json", f"Content-Length: {size}", length=False)
    assert statuses(exchange(guarded_app, head + b"x" * 1000)) == [413]
    # The other paths keep Sanic's limit (Rasa's HTTP API: training data, models).
    assert send_raw(guarded_app, request("/", body=b"x" * size)) == 200


ACTION_PACKAGE = textwrap.dedent(
    """
    from rasa_sdk import Action
    from servers.http_guard import protect_action_server_apps
    from servers.patches import apply_action_server

    apply_action_server()
    protect_action_server_apps()  # as the actions package does, inside create_app


    class Echo(Action):
        def name(self):
            return "action_echo"

        async def run(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="ok " + str(len(tracker.latest_message.get("text") or "")))
            return []


    class Fails(Action):
        def name(self):
            return "action_fails"

        async def run(self, dispatcher, tracker, domain):
            raise RuntimeError("secret text of the conversation")
    """
)
ACTION_SERVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from rasa_sdk import endpoint
    endpoint.run("probe_actions", port=int(sys.argv[1]))
    """
)
ACTION_LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def action_app(tmp_path_factory):
    """rasa-sdk's action server (``rasa_sdk.endpoint.run``) with a two-action package."""
    folder = tmp_path_factory.mktemp("probe_actions")
    (folder / "probe_actions.py").write_text(ACTION_PACKAGE, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", ACTION_SERVER, str(port), str(folder)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SANIC_HOST": "127.0.0.1", "PROA_ACTION_MAX_BODY_BYTES": str(ACTION_LIMIT)},
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
        yield port, process
    finally:
        process.kill()
        process.wait(timeout=30)


def action_call(action: str, text: str = "bonjour") -> bytes:
    tracker = {
        "sender_id": "probe",
        "slots": {},
        "latest_message": {"text": text, "intent": {}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    }
    return json.dumps(
        {"next_action": action, "sender_id": "probe", "version": "3.6.2", "tracker": tracker, "domain": {}}
    ).encode()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def test_action_server_answers_a_plain_and_a_compressed_call(action_app):
    port, _ = action_app
    body = action_call("action_echo", "x" * 100)
    for headers, data in (
        ((), body),
        (("Content-Encoding: deflate",), zlib.compress(body)),
        (("Content-Encoding: gzip",), gzip.compress(body)),
    ):
        raw = exchange(
            port, request("/webhook", "Content-Type: application/json", "Connection: close", *headers, body=data)
        )
        assert statuses(raw) == [200], raw[:300]
        assert b'"ok 100"' in raw


def test_deflate_bomb_is_refused_without_inflating_it(action_app):
    """398 KB became 400 MB in rasa-sdk's memory; now the body is inflated in bounded
    steps and refused beyond the limit."""
    port, process = action_app
    bomb = deflate_bomb(64 * 1024 * 1024)
    before = rss_kib(process.pid)
    raw, seconds = timed(
        exchange, port, request("/webhook", "Content-Type: application/json", "Content-Encoding: deflate", body=bomb)
    )
    assert statuses(raw) == [413], raw[:300]
    assert seconds < 5
    assert rss_kib(process.pid) - before < 32 * 1024, "the bomb was inflated in memory"


def test_corrupt_or_oversized_bodies_get_4xx(action_app):
    port, _ = action_app
    corrupt = request("/webhook", "Content-Type: application/json", "Content-Encoding: deflate", body=b"not zlib")
    assert statuses(exchange(port, corrupt)) == [400]
    unknown = request("/webhook", "Content-Type: application/json", "Content-Encoding: br", body=b"{}")
    assert statuses(exchange(port, unknown)) == [415]
    too_large = request("/webhook", "Content-Type: application/json", body=b" " * (ACTION_LIMIT + 1))
    assert statuses(exchange(port, too_large)) == [413]


@pytest.mark.parametrize("name", list(bad_chunk_probes("/webhook")))
def test_bad_chunks_get_a_400_not_a_500(action_app, name):
    port, _ = action_app
    [status] = statuses(exchange(action_app[0], bad_chunk_probes("/webhook")[name]))
    assert 400 <= status < 500  # 400, or 413 for a size beyond the limit
    assert send_raw(port, request("/health", method="GET", length=False)) == 200


@pytest.mark.parametrize("name", list(header_probes("/webhook")))
def test_action_server_refuses_malformed_headers(action_app, name):
    assert statuses(exchange(action_app[0], header_probes("/webhook")[name])) == [400]


def test_action_server_smuggles_nothing(action_app):
    assert statuses(exchange(action_app[0], smuggling_probe("/webhook", "/health"))) == [400]


def test_error_answers_never_echo_the_request(action_app):
    port, _ = action_app
    raw = exchange(
        port, request("/webhook", "Content-Type: application/json", body=action_call("action_fails", "MARKER-1234"))
    )
    assert statuses(raw) == [500]
    assert b"MARKER-1234" not in raw and b"secret text" not in raw
    raw = exchange(
        port, request("/webhook", "Content-Type: application/json", body=b'{"tracker": 5, "marker": "MARKER-5678"}')
    )
    assert b"MARKER-5678" not in raw
