"""Issue 14 on a running stack set up like scripts/run.sh: endpoints.yml (checked SQLite
tracker store, SQLite lock store; only the file paths moved to a temporary folder),
credentials.yml, Rasa's HTTP API behind a token, both servers on 127.0.0.1.

- finding 1: the malformed-framing probes, sent over a socket to Rasa and to the action
  server, get a 400, and both keep answering;
- finding 2: without the token the HTTP API refuses to show a conversation, to push
  events, to unload, replace or train the model (that scripts/run.sh turns the API off
  without a token and binds to loopback: tests/channels/test_run_defaults.py);
- finding 4: erasing a conversation while one of its messages is in flight (action
  server stopped with SIGSTOP) holds: the events do not come back;
- finding 5: with the SQLite file locked by another process the person gets the
  busy message, the log names no sender, and the conversation goes on afterwards;
- finding 6: deep JSON, large metadata, a claimed ``input_channel``, markup escaped in
  a typed payload, a typed ``/session_start``;
- finding 7: the database file is private; a hung action server costs a new
  conversation one action timeout, not one per action.

Issue 21 (second half of this file), on the same stack and on a second one set up like
``PROA_CREDENTIALS=credentials.advisers.yml scripts/run.sh`` whose Slack and Teams
endpoints are local fakes (tests/channels/fakes.py: a local key set stands for
Microsoft's signing keys; nothing leaves 127.0.0.1):

- header framing: ``Transfer-Encoding : chunked`` and the other malformed header blocks
  get a 400 on :5005 and :5055, and nothing is smuggled; bad chunks get a 4xx on :5055;
- bodies: a deflate bomb gets a 413 from the action server without being inflated, a
  compressed body a 415 from Rasa, an oversized webhook body a 413; error answers do not
  echo the request;
- a lone surrogate in the message is cleaned (an answer, not the busy message), in the
  sender a 400;
- a paused action server gives REST only the busy message (no fallback before it);
- Rasa killed in the middle of a message: after the restart, that person is answered at
  once (the lock of the dead process is freed);
- the page server: no ``.build-stamp``, a 400 for a space before a header's colon;
- Teams: a genuine token for another ``serviceUrl`` or issuer, or an HS256 token, gets a
  401 and nothing is posted; a slow ``serviceUrl`` does not freeze the server; Slack and
  Teams users get the busy message when the action server is down; the log carries no
  conversation id.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.probes import framing_probes, send_raw
from tests.e2e.stack import REPO, ActionServer, RasaServer, require_model
from tests.e2e.talk import BUSY_TEXT, fold, joined, looks_french

pytestmark = pytest.mark.e2e

TOKEN = "test-token-" + uuid.uuid4().hex
ACTION_TIMEOUT = 15  # long enough that a loaded CI machine is never taken for a hung server
WEBHOOK = "/webhooks/rest/webhook"


def endpoints_like_run_sh(workdir: Path, action_url: str) -> Path:
    """endpoints.yml with its action URL and file paths moved to ``workdir``."""
    config = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
    config["action_endpoint"]["url"] = action_url
    config["tracker_store"]["db"] = str(workdir / Path(config["tracker_store"]["db"]).name)
    config["lock_store"]["db"] = str(workdir / Path(config["lock_store"]["db"]).name)
    path = workdir / "endpoints.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


class Stack:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.actions = ActionServer(log_path=workdir / "actions.log")
        self.actions.start(env={"SANIC_HOST": "127.0.0.1"})
        self.endpoints = endpoints_like_run_sh(workdir, self.actions.url)
        self.rasa = RasaServer(
            workdir=workdir,
            action_url=self.actions.url,
            endpoints=self.endpoints,
            auth_token=TOKEN,
            env={
                "PROA_ACTION_TIMEOUT": str(ACTION_TIMEOUT),
                "PROA_SESSION_SECRET": "s" * 40,
                # Rasa's ticket lifetime (60 s by default) beyond any restart, so that the
                # test of a killed Rasa sees the holder check, not the expiry.
                "TICKET_LOCK_LIFETIME": "600",
            },
        )
        self.rasa.start()

    @property
    def db(self) -> Path:
        return self.workdir / "proa_trackers.db"

    def rows(self, sender: str) -> int:
        with sqlite3.connect(self.db, timeout=30) as connection:
            return connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_model()
    running = Stack(tmp_path_factory.mktemp("security"))
    try:
        # Warm-up (first turn traces TensorFlow graphs: slow under a loaded machine).
        running.rasa.say(
            f"warm-{uuid.uuid4().hex[:6]}", "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?", timeout=180
        )
        yield running
    finally:
        running.stop()


def status_ok(stack: Stack) -> bool:
    with urllib.request.urlopen(stack.rasa.api_url("/status"), timeout=60) as response:
        return response.status == 200 and bool(json.load(response).get("model_file"))


# --- finding 1 --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(framing_probes(WEBHOOK)))
def test_framing_probes_get_400_and_rasa_keeps_answering(stack: Stack, name: str) -> None:
    assert send_raw(stack.rasa.port, framing_probes(WEBHOOK)[name]) == 400
    assert status_ok(stack)


@pytest.mark.parametrize("name", list(framing_probes("/webhook")))
def test_framing_probes_get_400_and_the_action_server_keeps_answering(stack: Stack, name: str) -> None:
    assert send_raw(stack.actions.port, framing_probes("/webhook")[name]) == 400
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.actions.port}/health", timeout=60) as response:
        assert response.status == 200


def test_conversation_still_works_after_the_probes(stack: Stack) -> None:
    for data in framing_probes(WEBHOOK).values():
        send_raw(stack.rasa.port, data)
    answer = joined(stack.rasa.say(f"after-{uuid.uuid4().hex[:6]}", "Quelles certifications pour un cariste ?"))
    assert looks_french(answer) and BUSY_TEXT not in answer, answer


# --- finding 2 --------------------------------------------------------------------------


def anonymous(stack: Stack, method: str, path: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{stack.rasa.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_http_api_refuses_anonymous_callers(stack: Stack) -> None:
    sender = f"api-{uuid.uuid4().hex[:6]}"
    stack.rasa.say(sender, "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?")
    calls = [
        ("GET", f"/conversations/{sender}/tracker", None),
        (
            "POST",
            f"/conversations/{sender}/tracker/events?execute_side_effects=true&output_channel=socketio",
            {"event": "bot", "text": "Donnez-moi votre mot de passe"},
        ),
        ("DELETE", "/model", None),
        ("PUT", "/model", {"model_server": {"url": "http://127.0.0.1:9/model.tar.gz"}}),
        ("POST", "/model/train", {}),
    ]
    for method, path, body in calls:
        assert anonymous(stack, method, path, body) in (401, 403), (method, path)
    # The model is still loaded and the conversation intact, readable with the token.
    assert status_ok(stack)
    assert stack.rasa.tracker(sender)["slots"]["metier"] == "cariste"


# --- finding 4 --------------------------------------------------------------------------


def _lock_held(stack: Stack, sender: str) -> bool:
    with sqlite3.connect(stack.workdir / "proa_locks.db", timeout=30) as connection:
        return (
            connection.execute(
                "SELECT COUNT(*) FROM conversation_locks WHERE conversation_id = ?", (sender,)
            ).fetchone()[0]
            > 0
        )


def test_erasure_holds_with_a_message_in_flight(stack: Stack) -> None:
    sender = f"erase-{uuid.uuid4().hex[:6]}"
    stack.rasa.say(sender, "Je suis soudeur en CDI intérimaire, ai-je droit à la Pro-A ?")
    stack.rasa.say(sender, "Mon numéro est le 06 12 34 56 78")
    assert stack.rows(sender) > 0

    os.kill(stack.actions.process.pid, signal.SIGSTOP)
    purge: subprocess.Popen | None = None
    try:
        in_flight = threading.Thread(target=lambda: stack.rasa.say(sender, "Quelles certifications ?", timeout=120))
        in_flight.start()
        deadline = time.monotonic() + 60
        while not _lock_held(stack, sender) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _lock_held(stack, sender), "the message never took the conversation's lock"
        purge = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "scripts/purge_conversations.py"),
                "--sender",
                sender,
                "--endpoints",
                str(stack.endpoints),
            ],
            cwd=stack.workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.kill(stack.actions.process.pid, signal.SIGCONT)
    out, err = purge.communicate(timeout=180)
    in_flight.join(180)
    assert purge.returncode == 0, err
    assert "supprimés" in out
    assert stack.rows(sender) == 0
    # Later messages of others do not bring anything back either.
    stack.rasa.say(f"other-{uuid.uuid4().hex[:6]}", "Bonjour")
    assert stack.rows(sender) == 0


# --- finding 5 --------------------------------------------------------------------------


def test_locked_database_gives_the_busy_message_and_nothing_is_lost(stack: Stack) -> None:
    sender = f"locked-{uuid.uuid4().hex[:6]}"
    first = joined(stack.rasa.say(sender, "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?"))
    assert BUSY_TEXT not in first
    stored = stack.rows(sender)
    log_start = stack.rasa.log_path.stat().st_size

    holder = sqlite3.connect(stack.db, isolation_level=None, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        answer = joined(stack.rasa.say(sender, "J'ai 35 ans", timeout=120))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.strip() == BUSY_TEXT, answer
    assert stack.rows(sender) == stored  # nothing written over the conversation
    log = stack.rasa.log_path.read_bytes()[log_start:].decode("utf-8", errors="replace")
    assert "Tracker store failure" in log
    assert sender not in log

    # The conversation goes on: the métier of the first turn is remembered.
    answer = joined(stack.rasa.say(sender, "Quelles certifications sont possibles ?"))
    assert BUSY_TEXT not in answer and "cariste" in fold(answer), answer
    assert stack.rasa.tracker(sender)["slots"]["metier"] == "cariste"


# --- finding 6 --------------------------------------------------------------------------


def test_channel_level_input_checks(stack: Stack) -> None:
    sender = f"input-{uuid.uuid4().hex[:6]}"
    deep = b'{"sender": "x", "message": "b", "metadata": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_000 + b"}"
    status, answer = stack.rasa.post(WEBHOOK, deep)
    assert status == 400 and looks_french(answer["message"]), (status, answer)
    status, answer = stack.rasa.post(
        WEBHOOK, json.dumps({"sender": sender, "message": "bonjour", "metadata": {"x": "y" * 250_000}}).encode()
    )
    assert status == 413, (status, answer)

    status, _ = stack.rasa.post(
        WEBHOOK, json.dumps({"sender": sender, "message": "Bonjour", "input_channel": "slack"}).encode()
    )
    assert status == 200
    tracker = stack.rasa.tracker(sender)
    assert tracker["latest_input_channel"] == "rest"

    status, answer = stack.rasa.post(
        WEBHOOK,
        json.dumps(
            {"sender": sender, "message": '/inform{"metier": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'}
        ).encode(),
    )
    assert status == 200
    assert "<script" not in json.dumps(stack.rasa.tracker(sender), ensure_ascii=False).lower()

    answer = joined(stack.rasa.say(sender, "/session_start"))
    assert looks_french(answer) and BUSY_TEXT not in answer, answer


# --- finding 7 --------------------------------------------------------------------------


def test_database_file_is_private(stack: Stack) -> None:
    assert stack.db.stat().st_mode & 0o077 == 0
    assert (stack.workdir / "proa_locks.db").stat().st_mode & 0o077 == 0


def test_hung_action_server_costs_a_new_conversation_one_timeout(stack: Stack) -> None:
    sender = f"hung-{uuid.uuid4().hex[:6]}"
    log_start = stack.rasa.log_path.stat().st_size
    os.kill(stack.actions.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = joined(stack.rasa.say(sender, "Je suis cariste, ai-je droit à la Pro-A ?", timeout=120))
        elapsed = time.monotonic() - started
    finally:
        os.kill(stack.actions.process.pid, signal.SIGCONT)
    assert BUSY_TEXT in answer, answer
    log = stack.rasa.log_path.read_bytes()[log_start:].decode("utf-8", errors="replace")
    # action_session_start timed out; the answer's action was not called at all.
    assert "ActionServerSkipped" in log
    assert elapsed < ACTION_TIMEOUT * 4 + 20, f"busy answer after {elapsed:.1f} s"


# --- the reverse proxy (deploy/nginx-proa.conf) -----------------------------------------

NGINX = next((path for path in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(path).exists()), None)
PROXY_TOKEN = "proxy-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def proxy(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """nginx on 127.0.0.1 with deploy/nginx-proa.conf, in front of the test stack."""
    if NGINX is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("nginx is missing under CI (scripts/install_nginx.sh)", pytrace=False)
        pytest.skip("nginx is not installed (scripts/install_nginx.sh)")
    from tests.e2e.stack import free_port

    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    site = (REPO / "deploy/nginx-proa.conf").read_text(encoding="utf-8")
    site = (
        site.replace("server 127.0.0.1:5005;", f"server 127.0.0.1:{stack.rasa.port};")
        .replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{free_port()};")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("Bearer CHANGE_ME", f"Bearer {PROXY_TOKEN}")
    )
    (folder / "proa.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n    access_log off;\n{temp}\n    include {folder / 'proa.conf'};\n}}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                send_raw(port, b"GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        assert process.poll() is None, (folder / "error.log").read_text()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def through(port: int, method: str, path: str, body: bytes | None = None, token: str | None = PROXY_TOKEN) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_proxy_passes_the_rest_webhook_with_its_token(stack: Stack, proxy: int) -> None:
    body = json.dumps({"sender": f"proxy-{uuid.uuid4().hex[:6]}", "message": "Bonjour"}).encode()
    assert through(proxy, "POST", WEBHOOK, body) == 200
    assert through(proxy, "POST", WEBHOOK, body, token=None) == 401
    assert through(proxy, "POST", WEBHOOK, body, token="wrong") == 401


def test_proxy_never_exposes_the_http_api(stack: Stack, proxy: int) -> None:
    for method, path in (
        ("GET", "/status"),
        ("GET", "/conversations/x/tracker"),
        ("DELETE", "/model"),
        ("PUT", "/model"),
        ("POST", "/model/train"),
    ):
        assert through(proxy, method, f"{path}?token={TOKEN}", b"{}" if method != "GET" else None) in (403, 404, 502), (
            path
        )


def test_proxy_never_exposes_the_review_page(stack: Stack, proxy: int) -> None:
    """Issue 22: the review page of web/serve.py is reached on the host only."""
    for method, path, body in (
        ("GET", "/revue", None),
        ("GET", "/revue/style.css", None),
        ("POST", "/revue/connexion", b"token=x"),
    ):
        assert through(proxy, method, path, body, token="review-token-0123456789") == 404, path


@pytest.mark.parametrize("name", list(framing_probes(WEBHOOK)))
def test_proxy_refuses_malformed_framing(stack: Stack, proxy: int, name: str) -> None:
    probe = framing_probes(WEBHOOK)[name].replace(
        b"Host: 127.0.0.1\r\n", f"Host: 127.0.0.1\r\nAuthorization: Bearer {PROXY_TOKEN}\r\n".encode()
    )
    assert send_raw(proxy, probe) in (400, 501)
    assert status_ok(stack)


def test_proxy_limits_size_and_rate(stack: Stack, proxy: int) -> None:
    big = json.dumps({"sender": "proxy-big", "message": "x" * 100_000}).encode()
    assert through(proxy, "POST", WEBHOOK, big) == 413
    # 40 requests at once from one address: the burst is 10, the rest gets a 429.
    # (Invalid bodies: Rasa answers them at once, no model run.)
    statuses: list = []
    threads = [
        threading.Thread(target=lambda: statuses.append(through(proxy, "POST", WEBHOOK, b"[]"))) for _ in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses.count(429) >= 20, statuses
    assert set(statuses) <= {400, 429}, statuses


# === issue 21 ================================================================================

from tests.channels import fakes, raw_http  # noqa: E402

ACTION_WEBHOOK = "/webhook"


# --- 4: header framing on :5005 and :5055; bad chunks ----------------------------------


@pytest.mark.parametrize("name", list(raw_http.header_probes(WEBHOOK)))
def test_malformed_header_blocks_get_400_from_rasa(stack: Stack, name: str) -> None:
    assert raw_http.statuses(raw_http.exchange(stack.rasa.port, raw_http.header_probes(WEBHOOK)[name])) == [400]
    assert status_ok(stack)


@pytest.mark.parametrize("name", list(raw_http.header_probes(ACTION_WEBHOOK)))
def test_malformed_header_blocks_get_400_from_the_action_server(stack: Stack, name: str) -> None:
    probe = raw_http.header_probes(ACTION_WEBHOOK)[name]
    assert raw_http.statuses(raw_http.exchange(stack.actions.port, probe)) == [400]


def test_space_before_colon_smuggles_no_second_request(stack: Stack) -> None:
    """``Transfer-Encoding : chunked`` was ignored: the body was read as a second request."""
    for port, path, second in (
        (stack.rasa.port, WEBHOOK, "/version"),
        (stack.actions.port, ACTION_WEBHOOK, "/health"),
    ):
        answers = raw_http.statuses(raw_http.exchange(port, raw_http.smuggling_probe(path, second)))
        assert answers == [400], (port, answers)


@pytest.mark.parametrize("name", list(raw_http.bad_chunk_probes(ACTION_WEBHOOK)))
def test_bad_chunks_get_a_4xx_from_the_action_server(stack: Stack, name: str) -> None:
    [status] = raw_http.statuses(raw_http.exchange(stack.actions.port, raw_http.bad_chunk_probes(ACTION_WEBHOOK)[name]))
    assert 400 <= status < 500, status


# --- 3: bounded bodies, no echo ----------------------------------------------------------


def test_deflate_bomb_is_refused_by_the_action_server(stack: Stack) -> None:
    """398 KB of deflate became 400 MB in the action server's memory."""
    from tests.e2e.stack import peak_rss_kib

    bomb = raw_http.deflate_bomb(128 * 1024 * 1024)
    before = peak_rss_kib(stack.actions.process.pid)
    probe = raw_http.request(ACTION_WEBHOOK, "Content-Type: application/json", "Content-Encoding: deflate", body=bomb)
    raw, seconds = raw_http.timed(raw_http.exchange, stack.actions.port, probe, 60)
    assert raw_http.statuses(raw) == [413], raw[:300]
    assert seconds < 5, f"{seconds:.1f} s"
    assert peak_rss_kib(stack.actions.process.pid) - before < 64 * 1024, "the bomb was inflated"
    # Rasa's own (compressed) calls still work: a conversation is answered.
    answer = joined(stack.rasa.say(f"bomb-{uuid.uuid4().hex[:6]}", "Quelles certifications pour un cariste ?"))
    assert BUSY_TEXT not in answer, answer


def test_rasa_refuses_compressed_and_oversized_webhook_bodies(stack: Stack) -> None:
    import zlib

    body = zlib.compress(json.dumps({"sender": "gz", "message": "bonjour"}).encode())
    probe = raw_http.request(WEBHOOK, "Content-Type: application/json", "Content-Encoding: deflate", body=body)
    assert raw_http.statuses(raw_http.exchange(stack.rasa.port, probe)) == [415]
    head = raw_http.request(WEBHOOK, "Content-Type: application/json", "Content-Length: 52428800", length=False)
    assert raw_http.statuses(raw_http.exchange(stack.rasa.port, head + b"{" * 1000)) == [413]
    assert status_ok(stack)


def test_action_server_errors_do_not_echo_the_request(stack: Stack) -> None:
    """Its 500 answers repeated the request body (``request_body``)."""
    marker = "ECHO-" + uuid.uuid4().hex
    call = json.dumps({"next_action": "action_answer_eligibility", "version": "3.6.2", "tracker": marker}).encode()
    raw = raw_http.exchange(
        stack.actions.port, raw_http.request(ACTION_WEBHOOK, "Content-Type: application/json", body=call)
    )
    assert raw_http.statuses(raw) and raw_http.statuses(raw)[0] >= 400, raw[:300]
    assert marker.encode() not in raw, raw[:500]


# --- 5: unpaired surrogates ---------------------------------------------------------------


def test_lone_surrogates_are_cleaned_or_refused(stack: Stack) -> None:
    sender = f"surrogate-{uuid.uuid4().hex[:6]}"
    log_start = stack.rasa.log_path.stat().st_size
    status, answer = stack.rasa.post(WEBHOOK, b'{"sender": "' + sender.encode() + b'", "message": "\\ud800 cariste"}')
    assert status == 200, answer
    text = joined(answer)
    assert looks_french(text) and BUSY_TEXT not in text, text
    status, answer = stack.rasa.post(WEBHOOK, b'{"sender": "x\\ud800", "message": "cariste"}')
    assert status == 400 and answer["error"] == "invalid_sender", answer
    log = stack.rasa.log_path.read_bytes()[log_start:].decode("utf-8", errors="replace")
    assert "GraphComponentException" not in log and "LockError" not in log, log[-2000:]


# --- 6 (REST): one busy message, not a fallback first ----------------------------------


def test_paused_action_server_gives_rest_only_the_busy_message(stack: Stack) -> None:
    """REST got « Désolé, je n'ai toujours pas compris… » (Rasa's fallback, predicted
    after the timed-out action) and then the busy message."""
    sender = f"paused-{uuid.uuid4().hex[:6]}"
    os.kill(stack.actions.process.pid, signal.SIGSTOP)
    try:
        answer = stack.rasa.say(sender, "Bonjour, je suis soudeur", timeout=ACTION_TIMEOUT * 4 + 60)
    finally:
        os.kill(stack.actions.process.pid, signal.SIGCONT)
    assert [message.get("text") for message in answer] == [BUSY_TEXT], answer


# --- 8: the page server -------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """web/serve.py on 127.0.0.1 with a small build (index, script, .build-stamp)."""
    from tests.e2e.stack import free_port, wait_http

    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>Pro-A</title>", encoding="utf-8")
    (dist / "app.js").write_text("console.log(1);", encoding="utf-8")
    (dist / ".build-stamp").write_text("2026-12-07T10:46:00Z\n", encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "web/serve.py"), "--port", str(port), "--dist", str(dist), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=60, process=process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_page_server_does_not_serve_the_build_stamp(page_server: int) -> None:
    def get(path: str) -> list[int]:
        return raw_http.statuses(raw_http.exchange(page_server, raw_http.request(path, method="GET", length=False)))

    assert get("/") == [200] and get("/app.js") == [200]
    for path in ("/.build-stamp", "/%2Ebuild-stamp", "/x/../.build-stamp"):
        assert get(path) == [404], path


@pytest.mark.parametrize("name", ["space_before_colon", "tab_before_colon", "no_colon", "folded_line", "empty_name"])
def test_page_server_refuses_malformed_header_blocks(page_server: int, name: str) -> None:
    probe = raw_http.header_probes("/").get(name, b"").replace(b"POST / ", b"GET / ", 1)
    assert raw_http.statuses(raw_http.exchange(page_server, probe)) == [400]


# --- 7: a lock left by a killed Rasa --------------------------------------------------------


def say_ignoring_errors(stack: Stack, sender: str, text: str) -> None:
    """A message whose answer never comes (its Rasa is killed meanwhile)."""
    with contextlib.suppress(Exception):
        stack.rasa.say(sender, text, timeout=120)


def test_killed_rasa_does_not_keep_the_person_waiting(stack: Stack) -> None:
    """Rasa killed while a message held the conversation's lock: after the restart, that
    person's next message waited for the dead ticket to expire (40 s in the probe)."""
    sender = f"killed-{uuid.uuid4().hex[:6]}"
    stack.rasa.say(sender, "Bonjour")
    os.kill(stack.actions.process.pid, signal.SIGSTOP)
    try:
        in_flight = threading.Thread(target=say_ignoring_errors, args=(stack, sender, "Je suis cariste"))
        in_flight.start()
        deadline = time.monotonic() + 60
        while not _lock_held(stack, sender) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _lock_held(stack, sender), "the message never took the conversation's lock"
        os.kill(stack.rasa.process.pid, signal.SIGKILL)
        stack.rasa.process.wait(30)
    finally:
        os.kill(stack.actions.process.pid, signal.SIGCONT)
    in_flight.join(150)
    assert _lock_held(stack, sender), "the dead process's ticket should still be in the file"

    stack.rasa.start()
    stack.rasa.say(f"warm-{uuid.uuid4().hex[:6]}", "Bonjour", timeout=180)  # first turn after a start
    started = time.monotonic()
    answer = joined(stack.rasa.say(sender, "Quelles certifications pour un cariste ?", timeout=60))
    elapsed = time.monotonic() - started
    assert BUSY_TEXT not in answer, answer
    assert elapsed < 15, f"the person waited {elapsed:.1f} s"


# --- 1, 2, 6, 8: Slack and Teams on a stack set up with credentials.advisers.yml ----------

TEAMS_CHECKED = "channels.botframework_checked.CheckedBotFrameworkInput"
SLACK_CHANNEL_KEY = "channels.slack_interactive.InteractiveSlackInput"


class AdvisersStack:
    """Action server + ``rasa run`` with credentials.advisers.yml, whose Teams and Slack
    endpoints are local fakes (key set, token service, Bot Connector, Slack API)."""

    def __init__(self, workdir: Path, signing_key: Any) -> None:
        self.workdir = workdir
        self.key = signing_key
        self.identity = fakes.FakeMicrosoft().__enter__()
        self.identity.trust(signing_key)
        self.connector = fakes.FakeMicrosoft().__enter__()
        self.attacker = fakes.FakeMicrosoft().__enter__()
        self.slack = fakes.FakeSlack().__enter__()
        credentials = yaml.safe_load((REPO / "credentials.advisers.yml").read_text(encoding="utf-8"))
        values = {
            "${MS_APP_ID}": fakes.APP_ID,
            "${MS_APP_PASSWORD}": fakes.APP_PASSWORD,
            "${SLACK_BOT_TOKEN}": fakes.SLACK_BOT_TOKEN,
            "${SLACK_SIGNING_SECRET}": fakes.SLACK_SIGNING_SECRET,
        }
        credentials = {
            key: {name: values.get(value, value) for name, value in (block or {}).items()}
            for key, block in credentials.items()
        }
        credentials[TEAMS_CHECKED].update(openid_metadata_url=self.identity.metadata_url, login_url=self.identity.url)
        credentials[SLACK_CHANNEL_KEY]["api_url"] = self.slack.url
        self.credentials = workdir / "credentials.yml"
        self.credentials.write_text(json.dumps(credentials), encoding="utf-8")
        self.actions = ActionServer(log_path=workdir / "actions.log")
        self.actions.start(env={"SANIC_HOST": "127.0.0.1"})
        self.rasa = RasaServer(
            workdir=workdir,
            action_url=self.actions.url,
            endpoints=endpoints_like_run_sh(workdir, self.actions.url),
            credentials=self.credentials,
            auth_token=TOKEN,
            env={
                "PROA_ACTION_TIMEOUT": str(ACTION_TIMEOUT),
                "PROA_SESSION_SECRET": "s" * 40,
                "PROA_TEAMS_READ_TIMEOUT": "5",
            },
        )
        self.rasa.start()

    def teams(self, activity: dict, service_url: str, timeout: float = 120, **token: Any) -> Any:
        return fakes.post_activity(
            self.rasa.url, activity, fakes.bot_connector_token(self.key, service_url, **token), timeout=timeout
        )

    def slack_say(self, text: str, ts: str) -> int:
        import requests

        body = json.dumps(fakes.slack_mention(text, ts)).encode()
        return requests.post(
            f"{self.rasa.url}/webhooks/slack/webhook", data=body, headers=fakes.slack_signed(body), timeout=30
        ).status_code

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()
        for server in (self.identity, self.connector, self.attacker, self.slack):
            server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def advisers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdvisersStack]:
    require_model()
    keys = yaml.safe_load((REPO / "credentials.advisers.yml").read_text(encoding="utf-8"))
    if TEAMS_CHECKED not in keys:
        # Rasa's own channel would fetch Microsoft's keys at start-up: never start it here.
        pytest.fail("credentials.advisers.yml does not use the checked Teams channel", pytrace=False)
    running = AdvisersStack(tmp_path_factory.mktemp("advisers"), fakes.new_key())
    try:
        running.rasa.say(f"warm-{uuid.uuid4().hex[:6]}", "Je suis cariste, ai-je droit à la Pro-A ?", timeout=180)
        yield running
    finally:
        running.stop()


def test_teams_answer_goes_to_the_service_url_of_the_token(advisers: AdvisersStack) -> None:
    response = advisers.teams(fakes.teams_activity(advisers.connector.url), advisers.connector.url)
    assert response.status_code == 200, response.text
    activities = advisers.connector.activities()
    assert activities and all(a["type"] == "message" for a in activities), activities
    assert activities[0]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert advisers.connector.posts("/activities")[0]["headers"]["Authorization"].startswith("Bearer access-token")


def test_teams_token_for_another_service_url_or_issuer_opens_nothing(advisers: AdvisersStack) -> None:
    """A genuine token let the server POST the answer, with the bot's access token, to
    the activity's serviceUrl (here the attacker's)."""
    before = len(advisers.connector.requests)
    ssrf = fakes.teams_activity(f"{advisers.attacker.url}/ssrf/")
    assert advisers.teams(ssrf, advisers.connector.url).status_code == 401
    issuer = fakes.teams_activity(advisers.attacker.url)
    assert advisers.teams(issuer, advisers.attacker.url, issuer="https://attacker.example").status_code == 401
    hs256 = fakes.hs256_token(advisers.identity.jwks["keys"][0]["n"].encode(), advisers.attacker.url)
    assert fakes.post_activity(advisers.rasa.url, issuer, hs256).status_code == 401
    assert advisers.attacker.requests == []
    assert len(advisers.connector.requests) == before
    assert status_ok(advisers)  # type: ignore[arg-type]


def test_slow_service_url_does_not_freeze_the_server(advisers: AdvisersStack) -> None:
    """A Teams endpoint that held the connection 25 s froze the whole server."""
    with fakes.FakeMicrosoft(delay=25) as slow:
        slow_activity = fakes.teams_activity(slow.url, "Quelles certifications pour un soudeur ?")
        slow_activity["conversation"] = {**slow_activity["conversation"], "id": "a:1slow-conversation"}
        result: dict[str, Any] = {}
        thread = threading.Thread(
            target=lambda: result.update(status=advisers.teams(slow_activity, slow.url, timeout=120).status_code)
        )
        thread.start()
        assert slow.posted.wait(60), "the answer never reached the slow serviceUrl"
        started = time.monotonic()
        answer = joined(
            advisers.rasa.say(
                f"meanwhile-{uuid.uuid4().hex[:6]}", "Quelles certifications pour un cariste ?", timeout=10
            )
        )
        elapsed = time.monotonic() - started
        thread.join(120)
    assert looks_french(answer) and BUSY_TEXT not in answer, answer
    assert elapsed < 5, f"another conversation waited {elapsed:.1f} s"
    assert result.get("status") == 200, result


def test_failed_teams_post_logs_no_conversation_id(advisers: AdvisersStack) -> None:
    from tests.e2e.stack import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    activity = fakes.teams_activity(closed, "Bonjour")
    activity["conversation"] = {**activity["conversation"], "id": "a:1closed-conversation-id"}
    assert advisers.teams(activity, closed).status_code == 200
    log = advisers.rasa.log_path.read_text(encoding="utf-8", errors="replace")
    assert "could not be sent to Teams" in log
    for secret in ("1closed-conversation-id", "1conversation-personnelle", "1slow-conversation", fakes.ADVISER_ID):
        assert secret not in log, secret


def test_slack_and_teams_users_get_the_busy_message_when_the_action_server_is_down(advisers: AdvisersStack) -> None:
    """REST users got the busy message; Slack and Teams users got nothing."""
    advisers.actions.stop()
    try:
        before_teams = len(advisers.connector.activities())
        activity = fakes.teams_activity(advisers.connector.url, "Je suis soudeur, ai-je droit à la Pro-A ?")
        activity["from"] = {**activity["from"], "id": "29:1another-adviser"}
        assert advisers.teams(activity, advisers.connector.url).status_code == 200
        assert [a.get("text") for a in advisers.connector.activities()[before_teams:]] == [BUSY_TEXT]

        assert advisers.slack_say("Je suis cariste, ai-je droit à la Pro-A ?", "1767261700.000100") == 200
        assert fakes.wait_for(lambda: advisers.slack.calls, timeout=60)
        time.sleep(1)  # nothing else follows
        assert [call.get("text") for call in advisers.slack.calls] == [BUSY_TEXT]

        answer = advisers.rasa.say(f"rest-{uuid.uuid4().hex[:6]}", "Je suis soudeur, ai-je droit à la Pro-A ?")
        assert [message.get("text") for message in answer] == [BUSY_TEXT]
    finally:
        advisers.actions.start()
    log = advisers.rasa.log_path.read_text(encoding="utf-8", errors="replace")
    for secret in ("29:1another-adviser", fakes.SLACK_ADVISER, "1conversation-personnelle"):
        assert secret not in log, secret
