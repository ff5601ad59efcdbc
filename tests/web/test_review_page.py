"""The review page of web/serve.py (``/revue``, issue 22) over plain HTTP: off without
``PROA_AUTH_TOKEN``, behind it (Bearer header or the login form's signed cookie),
loopback only, the same list as ``bot review`` with its filters, escaped, with its own
Content-Security-Policy, and nothing of the conversations in the access log."""

from __future__ import annotations

import html
import http.client
import ipaddress
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot import wording
from tests.bot.test_review import NOW, _conversations


def shown(key: str, **fields: Any) -> str:
    """A sentence of the catalogue's ``review`` section as the page writes it (escaped)."""
    return html.escape(wording.text("review", key, **fields))


TOKEN = "revue-" + "0123456789abcdef" * 2


@pytest.fixture
def fake_dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><html lang="fr"></html>', encoding="utf-8")
    return dist


@pytest.fixture
def store(tmp_path: Path) -> str:
    conversations = _conversations()
    # Markup in a stored message (the channels remove it; an old or foreign store may not).
    conversations.user(
        "mallory", NOW - 600, '<script>alert("x")</script> je suis "astronaute" & co', "nlu_fallback", 0.1
    )
    path = tmp_path / "trackers.db"
    conversations.write(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def serve(serve_module: ModuleType, fake_dist: Path) -> Iterator[Callable[..., int]]:
    """``serve(review=…, quiet=…)`` starts web/serve.py on a free port, returns the port."""
    servers: list[Any] = []

    def start(review: Any = None, quiet: bool = True) -> int:
        server = serve_module.make_server("127.0.0.1", 0, fake_dist, quiet=quiet, review=review)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return int(server.server_address[1])

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read().decode("utf-8")
    finally:
        connection.close()


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(port: int, token: str = TOKEN) -> tuple[int, dict[str, str], str]:
    body = urllib.parse.urlencode({"token": token}).encode()
    return request(port, "POST", "/revue/connexion", {"Content-Type": "application/x-www-form-urlencoded"}, body)


@pytest.fixture
def access(serve_module: ModuleType, store: str) -> Any:
    return serve_module.review_access(TOKEN, db_url=store)


def test_off_without_a_token(serve, serve_module: ModuleType, store: str) -> None:
    assert serve_module.review_access(None, db_url=store) is None
    assert serve_module.review_access("court", db_url=store) is None  # under 16 characters
    port = serve()
    for method, path in (("GET", "/revue"), ("GET", "/revue/style.css"), ("POST", "/revue/connexion")):
        status, _, _ = request(port, method, path, bearer())
        assert status == 404, (method, path)
    assert request(port, "GET", "/")[0] == 200  # the widget is served as before


def test_needs_the_token(serve, access) -> None:
    port = serve(access)
    status, headers, body = request(port, "GET", "/revue")
    assert status == 401 and 'name="token"' in body and 'action="/revue/connexion"' in body
    assert "astronaute" not in body
    assert headers["www-authenticate"].startswith("Bearer")
    status, _, body = request(port, "GET", "/revue", bearer("mauvais-jeton-0123456789"))
    assert status == 401 and shown("errors.token_refused") in body and "astronaute" not in body
    assert request(port, "GET", "/revue", {"Authorization": "Basic " + TOKEN})[0] == 401


def test_bearer_shows_the_review_anonymised_and_escaped(serve, access) -> None:
    port = serve(access)
    status, headers, body = request(port, "GET", "/revue?since=7d", bearer())
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert headers["cache-control"] == "no-store" and headers["x-frame-options"] == "DENY"
    assert "<script" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; je suis &quot;astronaute&quot; &amp; co" in body
    for expected in (
        "qui finance ma formation en #### ?",
        "écrivez-moi à [e-mail] ou au [téléphone]",
        "je suis astronaute, puis-je faire une pro-a ?",
        "la durée pour un CDD, écrivez à [e-mail]",  # the comment after « Non »
        shown("outcomes.refused"),
        'id="per-day"',
    ):
        assert expected in body, expected
    for secret in ("alice", "bob", "carol", "ivan", "mallory", "dupont", "06 12", "2025 ?"):
        assert secret not in body, secret


def test_filters(serve, access) -> None:
    port = serve(access)
    _, _, body = request(port, "GET", "/revue?since=7d&outcome=refused", bearer())
    assert "je suis astronaute, puis-je faire une pro-a ?" in body and "qui finance" not in body
    assert 'value="refused" checked' in body
    _, _, body = request(port, "GET", "/revue?channel=rest&outcome=feedback_no", bearer())
    assert "combien de mois dure la formation ?" in body and "astronaute" not in body
    _, _, body = request(port, "GET", "/revue?since=60d&until=30d", bearer())
    assert "vieille question pas comprise" in body and "astronaute" not in body
    status, _, body = request(port, "GET", "/revue?since=la%20veille&channel=%3Cb%3E", bearer())
    assert status == 200 and shown("errors.bad_since") in body and shown("errors.unknown_channel") in body
    assert "<b>" not in body
    status, _, body = request(port, "GET", "/revue?since=2026-12-01&until=2026-11-01", bearer())
    assert status == 400 and shown("errors.period_reversed") in body


def test_login_form_sets_a_signed_httponly_strict_cookie(serve, access) -> None:
    port = serve(access)
    status, _, body = login(port, "mauvais-jeton-0123456789")
    assert status == 401 and shown("errors.token_wrong") in body
    status, headers, _ = login(port)
    assert status == 303 and headers["location"] == "/revue"
    cookie = headers["set-cookie"]
    attributes = [part.strip() for part in cookie.split(";")]
    assert {"HttpOnly", "SameSite=Strict", "Path=/revue"} <= set(attributes)
    assert "Secure" not in attributes  # plain HTTP on loopback
    value = attributes[0]
    assert value.startswith("proa_revue=") and TOKEN not in value
    status, _, body = request(port, "GET", "/revue", {"Cookie": value})
    assert status == 200 and "astronaute" in body and shown("page.log_out") in body
    expiry, signature = value.split("=", 1)[1].split(".")
    forged = f"proa_revue={int(expiry) + 3600}.{signature}"
    assert request(port, "GET", "/revue", {"Cookie": forged})[0] == 401
    status, headers, _ = request(port, "POST", "/revue/deconnexion")
    assert status == 303 and "Max-Age=0" in headers["set-cookie"]
    # Behind HTTPS (nginx sets the header), the cookie is Secure.
    body = urllib.parse.urlencode({"token": TOKEN}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"}
    assert "; Secure" in request(port, "POST", "/revue/connexion", headers, body)[1]["set-cookie"]


def test_cookie_expires_and_dies_with_the_process(access, serve_module: ModuleType, store: str) -> None:
    value = access.cookie(time.time())
    assert access.cookie_ok(value, time.time())
    assert not access.cookie_ok(value, time.time() + serve_module.REVIEW_COOKIE_LIFETIME_S + 1)
    assert not serve_module.review_access(TOKEN, db_url=store).cookie_ok(value, time.time())  # another process
    assert not access.cookie_ok("", time.time()) and not access.cookie_ok("1.2", time.time())


def test_bad_login_requests(serve, access) -> None:
    port = serve(access)
    status, _, body = request(port, "POST", "/revue/connexion", {"Content-Type": "application/json"}, b'{"token": 1}')
    assert status == 400 and shown("errors.login_form_invalid") in body
    big = b"token=" + b"x" * 5000
    assert (
        request(port, "POST", "/revue/connexion", {"Content-Type": "application/x-www-form-urlencoded"}, big)[0] == 400
    )
    assert request(port, "HEAD", "/revue")[0] == 405
    assert request(port, "GET", "/revue/autre", bearer())[0] == 404
    assert request(port, "POST", "/index.html")[0] == 501


def test_loopback_only_unless_allowed(serve, serve_module: ModuleType, store: str) -> None:
    elsewhere = serve_module.ReviewAccess(TOKEN, store, networks=[ipaddress.ip_network("10.0.0.0/8")])
    port = serve(elsewhere)
    assert request(port, "GET", "/revue", bearer())[0] == 403
    assert login(port)[0] == 403
    allowed = serve_module.review_access(TOKEN, db_url=store, allow="10.1.2.0/24")
    assert allowed.client_ok("10.1.2.3") and allowed.client_ok("127.0.0.1") and not allowed.client_ok("10.1.3.1")
    with pytest.raises(ValueError):
        serve_module.review_access(TOKEN, db_url=store, allow="pas-un-réseau")


def test_unreadable_store_is_said_in_french(serve, serve_module: ModuleType, tmp_path: Path) -> None:
    port = serve(serve_module.ReviewAccess(TOKEN, str(tmp_path / "absent.db")))
    status, _, body = request(port, "GET", "/revue", bearer())
    assert status == 503 and shown("errors.store_unreadable", error="database not found: ") in body


def test_endpoints_name_the_store(serve_module: ModuleType, store: str, tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {store}\n", encoding="utf-8")
    access = serve_module.review_access(TOKEN, endpoints=endpoints)
    assert str(access.store_url).endswith("trackers.db")
    with pytest.raises(ValueError, match="file not found"):
        serve_module.review_access(TOKEN, endpoints=tmp_path / "absent.yml")


def test_access_log_has_no_message_nor_token(serve, access, capfd) -> None:
    port = serve(access, quiet=False)
    login(port)
    request(port, "GET", "/revue?since=7d&outcome=fallback", bearer())
    logged = capfd.readouterr().err
    assert "GET /revue?since=7d&outcome=fallback" in logged
    for secret in (TOKEN, "astronaute", "écrivez", "[e-mail]"):
        assert secret not in logged, secret
