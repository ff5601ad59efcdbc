"""Issue 22 end to end, through REST with the real assistant: a conversation with a
fallback, a question back, a refused job and a « Non » given to « Cette réponse vous
aide ? » (with its comment, which is also answered) appears in ``bot review`` (each
outcome, anonymised) and on the review page of web/serve.py (HTTP and headless
Chromium), and the action server's ``/metrics`` counters move. The same on PostgreSQL
(endpoints.scale.yml), the store of a scaled-out set-up."""

from __future__ import annotations

import contextlib
import re
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from tests.e2e.stack import REPO, ActionServer, RasaServer, Services, require_model
from tests.e2e.talk import BUSY_TEXT, joined, texts
from tests.web.conftest import browser, load_serve_module  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.e2e

FALLBACK = "🙂🙂🙂 ??? !!!"
ASKED_BACK = "je travaille comme agent de production, quelles certifications ?"
REFUSED = "je suis prothésiste dentaire en cdi, quelles certifications ?"
PERSONAL = "écrivez-moi à marie.dupont@example.org ou au 06 12 34 56 78, j'ai 23 ans"
QUESTION = "combien de temps dure la pro-a ?"
COMMENT = "il manquait le cas d'un CDD, rappelez-moi au 07 98 76 54 32"
TOKEN = "revue-e2e-" + uuid.uuid4().hex
#: What must never come out of a review: sender ids, an e-mail address, phone numbers, digits.
SECRETS = ("marie", "dupont", "06 12", "07 98", "23 ans")


def metrics(action_server: ActionServer) -> dict[str, float]:
    url = action_server.url.replace("/webhook", "/metrics")
    with urllib.request.urlopen(url, timeout=30) as reply:
        text = reply.read().decode()
    samples = {}
    for line in text.splitlines():
        match = re.match(r"^(proa_(?:answers|feedback)_total\{[^}]*\}) ([0-9.e+]+)$", line)
        if match:
            samples[match.group(1)] = float(match.group(2))
    return samples


def moved(before: dict[str, float], after: dict[str, float], *labels: str) -> float:
    return sum(value - before.get(key, 0.0) for key, value in after.items() if all(label in key for label in labels))


def feedback_command(messages: list[dict[str, Any]], value: str) -> str:
    """The payload of the « Oui » / « Non » button of the answer in ``messages`` (REST
    gets the structured answer as custom JSON)."""
    for message in messages:
        offer = (message.get("custom") or {}).get("feedback")
        if offer:
            return next(b["payload"] for b in offer["buttons"] if b["value"] == value)
    raise AssertionError(f"no feedback offered in {messages}")


def converse(server: RasaServer) -> dict[str, Any]:
    """The conversations of the test (two people); returns what was answered."""
    first = f"marie.dupont@example.org-{uuid.uuid4().hex[:8]}"
    second = f"0612345678-{uuid.uuid4().hex[:8]}"
    answers: dict[str, Any] = {}
    answers[QUESTION] = server.say(first, QUESTION)
    answers["no"] = server.say(first, feedback_command(answers[QUESTION], "no"))
    answers[COMMENT] = server.say(first, COMMENT)
    for message in (FALLBACK, ASKED_BACK, REFUSED, PERSONAL):
        answers[message] = server.say(second, message)
    answers["senders"] = (first, second)
    return answers


def check_answers(answers: dict[str, Any]) -> None:
    assert "Qu'est-ce qui manquait ?" in joined(answers["no"]), answers["no"]
    said = texts(answers[COMMENT])
    # The comment is noted, and the message is still handled (something follows).
    assert said[0] == "Merci, c'est noté." and len(answers[COMMENT]) > 1, answers[COMMENT]
    assert BUSY_TEXT not in said


def check_review(out: str, senders: tuple[str, ...]) -> None:
    for secret in (*senders, *SECRETS):
        assert secret not in out, secret
    entries = {entry["message"]: entry for entry in yaml.safe_load(out) or []}
    assert "fallback" in entries[FALLBACK]["outcomes"], entries.get(FALLBACK)
    assert "asked_back" in entries[ASKED_BACK]["outcomes"], entries.get(ASKED_BACK)
    assert "refused" in entries[REFUSED]["outcomes"], entries.get(REFUSED)
    question = entries[QUESTION]
    assert "feedback_no" in question["outcomes"], question
    assert "il manquait le cas d'un CDD, rappelez-moi au [téléphone]" in question["comments"], question


@contextlib.contextmanager
def page(access: Any, dist: Path) -> Iterator[str]:
    serve = load_serve_module()
    server = serve.make_server("127.0.0.1", 0, dist, quiet=True, review=access)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/revue"
    finally:
        server.shutdown()
        server.server_close()


def page_body(url: str) -> str:
    request = urllib.request.Request(url + "?since=1d", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        assert reply.status == 200
        return reply.read().decode("utf-8")


def check_page(body: str, senders: tuple[str, ...]) -> None:
    for expected in ("fallback", REFUSED, ASKED_BACK, QUESTION, "rappelez-moi au [téléphone]"):
        expected = {"fallback": "Non compris"}.get(expected, expected)
        assert expected.replace("'", "&#x27;") in body, expected
    for secret in (*senders, *SECRETS):
        assert secret not in body, secret


@pytest.fixture
def fake_dist(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text('<!doctype html><html lang="fr"></html>', encoding="utf-8")
    return tmp_path


# --- SQLite (the embedded default) ---------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_conversation(rasa_server: RasaServer, action_server: ActionServer) -> dict[str, Any]:
    before = metrics(action_server)
    answers = converse(rasa_server)
    answers["metrics"] = (before, metrics(action_server))
    return answers


def test_the_conversation_is_answered(sqlite_conversation: dict[str, Any]) -> None:
    check_answers(sqlite_conversation)


def test_metrics_moved(sqlite_conversation: dict[str, Any]) -> None:
    before, after = sqlite_conversation["metrics"]
    for outcome in ("fallback", "asked_back", "refused", "answered"):
        assert moved(before, after, "proa_answers_total", f'outcome="{outcome}"', 'channel="rest"') >= 1, outcome
    assert moved(before, after, "proa_feedback_total", 'value="no"') == 1, after


def test_bot_review_lists_each_outcome_anonymised(
    sqlite_conversation: dict[str, Any], rasa_server: RasaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    database = rasa_server.workdir / "trackers.db"
    assert main(["review", "--db-url", str(database), "--since", "1h", "--format", "yaml"]) == 0
    check_review(capsys.readouterr().out, sqlite_conversation["senders"])


def test_the_review_page_shows_them(
    sqlite_conversation: dict[str, Any], rasa_server: RasaServer, fake_dist: Path
) -> None:
    access = load_serve_module().review_access(TOKEN, db_url=str(rasa_server.workdir / "trackers.db"))
    with page(access, fake_dist) as url:
        check_page(page_body(url), sqlite_conversation["senders"])


@pytest.mark.browser
def test_the_review_page_in_chromium(
    sqlite_conversation: dict[str, Any],
    rasa_server: RasaServer,
    fake_dist: Path,
    browser: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    access = load_serve_module().review_access(TOKEN, db_url=str(rasa_server.workdir / "trackers.db"))
    with page(access, fake_dist) as url:
        browser.get(url)
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(browser, 30).until(ready.presence_of_element_located((By.ID, "groups")))
        messages = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#groups td.message")]
        for expected in (FALLBACK, ASKED_BACK, REFUSED, QUESTION):
            assert expected in messages, (expected, messages)
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert "rappelez-moi au [téléphone]" in shown
        for secret in (*sqlite_conversation["senders"], *SECRETS):
            assert secret not in shown, secret


# --- PostgreSQL (endpoints.scale.yml) ------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_server(
    services: Services, action_server: ActionServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RasaServer]:
    require_model()
    server = RasaServer(
        workdir=tmp_path_factory.mktemp("review-pg"),
        action_url=action_server.url,
        endpoints=REPO / "endpoints.scale.yml",
    )
    server.start(env=services.scale_env(action_server.url))
    yield server
    server.stop()


@pytest.mark.services
def test_on_postgresql(
    postgres_server: RasaServer,
    action_server: ActionServer,
    services: Services,
    fake_dist: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = metrics(action_server)
    answers = converse(postgres_server)
    after = metrics(action_server)
    check_answers(answers)
    assert moved(before, after, "proa_feedback_total", 'value="no"') == 1
    assert moved(before, after, "proa_answers_total", 'outcome="refused"') >= 1

    # `bot review` and the page read the store of endpoints.scale.yml, as deployed.
    for key, value in services.scale_env(action_server.url).items():
        monkeypatch.setenv(key, value)
    endpoints = REPO / "endpoints.scale.yml"
    assert main(["review", "--endpoints", str(endpoints), "--since", "1h", "--format", "yaml"]) == 0
    check_review(capsys.readouterr().out, answers["senders"])
    access = load_serve_module().review_access(TOKEN, endpoints=endpoints)
    assert str(access.store_url).startswith("postgresql")
    with page(access, fake_dist) as url:
        check_page(page_body(url), answers["senders"])
