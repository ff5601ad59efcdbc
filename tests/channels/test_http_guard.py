"""Finding 1 of issue 14: malformed request framing gets a 400, and the server goes on.

A small Sanic 21.12 app (the version Rasa and rasa-sdk run on) is started in a
subprocess with and without :func:`channels.http_guard.install`; the raw probes of
tests/e2e/probes.py are sent over a socket. The same probes against the real stack:
tests/e2e/test_security.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import urllib.request

import pytest

from channels.http_guard import framing_problem
from tests.e2e.probes import BODY, framing_probes, send_raw
from tests.e2e.stack import REPO, free_port, wait_http

APP = textwrap.dedent(
    """
    import sys
    from sanic import Sanic, response
    from channels.http_guard import install
    install()
    app = Sanic("probe")

    # Like rasa-sdk's action server: every exception becomes a 500.
    @app.exception(Exception)
    async def everything_500(request, exception):
        return response.json({"error": "x"}, status=500)

    @app.post("/")
    async def echo(request):
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
