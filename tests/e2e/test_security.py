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
"""

from __future__ import annotations

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
            env={"PROA_ACTION_TIMEOUT": str(ACTION_TIMEOUT), "PROA_SESSION_SECRET": "s" * 40},
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
