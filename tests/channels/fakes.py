"""Local stand-ins for Microsoft and Slack, shared by the channel tests and the
end-to-end security tests. Everything listens on 127.0.0.1; nothing reaches Microsoft
or Slack.

- :class:`FakeMicrosoft` plays login.botframework.com (OpenID metadata and JWKS with a
  key generated here), login.microsoftonline.com (OAuth2 client-credentials tokens) and
  a Bot Connector ``serviceUrl`` (records the activities POSTed to
  ``/v3/conversations/<id>/activities``; ``delay`` makes it slow);
- :class:`FakeSlack` plays Slack's Web API (``chat.postMessage``);
- :func:`bot_connector_token` makes a JWT shaped like the Bot Connector's, signed with a
  local RSA key; :func:`hs256_token` the same claims signed with HMAC (the algorithm
  confusion probe).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "00000000-1111-2222-3333-444444444444"
APP_PASSWORD = "test-client-secret"
TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
KEY_ID = "test-signing-key"
ISSUER = "https://api.botframework.com"
CONVERSATION_ID = "a:1conversation-personnelle"
ADVISER_ID = "29:1adviser-teams-id"
BOT_ACCOUNT = {"id": f"28:{APP_ID}", "name": "Assistant Pro-A"}


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True


class FakeMicrosoft:
    """A threaded HTTP server on 127.0.0.1 that records requests and answers them."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.jwks: dict[str, Any] = {"keys": []}
        self.delay = delay
        self.posted = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                owner.requests.append({"method": "GET", "path": self.path})
                if self.path == "/v1/.well-known/openidconfiguration":
                    self._reply(
                        200,
                        {
                            "issuer": ISSUER,
                            "jwks_uri": f"{owner.url}/v1/.well-known/keys",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                elif self.path == "/v1/.well-known/keys":
                    self._reply(200, owner.jwks)
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                record = {
                    "method": "POST",
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": raw.decode(),
                    "time": time.monotonic(),
                }
                owner.requests.append(record)
                if self.path.endswith("/oauth2/v2.0/token"):
                    tenant = self.path.split("/")[1]
                    self._reply(
                        200,
                        {
                            "token_type": "Bearer",
                            "expires_in": 3599,
                            "access_token": f"access-token-from-{tenant}",
                        },
                    )
                elif "/v3/conversations/" in self.path:
                    owner.posted.set()
                    if owner.delay:
                        time.sleep(owner.delay)
                    try:
                        self._reply(200, {"id": "1767261601000"})
                    except OSError:
                        pass  # the bot gave up waiting
                else:
                    self._reply(404, {"error": "not found"})

        self.server = _Recorder(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def posts(self, path_part: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST" and path_part in r["path"]]

    def activities(self) -> list[dict[str, Any]]:
        """The activities posted to conversations, decoded."""
        return [json.loads(r["body"]) for r in self.posts("/activities")]

    def trust(self, key: rsa.RSAPrivateKey, kid: str = KEY_ID) -> None:
        """Publish ``key``'s public half in the JWKS (endorsed for Teams)."""
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
        self.jwks["keys"].append(jwk)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    def __enter__(self) -> FakeMicrosoft:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeSlack:
    """Slack's Web API on 127.0.0.1: records ``chat.postMessage`` calls."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"raw": raw.decode(errors="replace")}
                owner.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                answer = json.dumps({"ok": True, "channel": body.get("channel"), "ts": "1767261601.000200"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = _Recorder(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token_claims(service_url: str, audience: str = APP_ID, lifetime: int = 3600, issuer: str = ISSUER) -> dict:
    now = int(time.time())
    return {
        "iss": issuer,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 300,
        "iat": now - 300,
        "exp": now + lifetime,
    }


def bot_connector_token(
    key: rsa.RSAPrivateKey,
    service_url: str,
    audience: str = APP_ID,
    lifetime: int = 3600,
    kid: str = KEY_ID,
    issuer: str = ISSUER,
    claims: dict | None = None,
) -> str:
    """A JWT shaped like those the Bot Connector sends to the bot."""
    body = claims if claims is not None else token_claims(service_url, audience, lifetime, issuer)
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hs256_token(secret: bytes, service_url: str, kid: str = KEY_ID) -> str:
    """The Bot Connector's claims signed with HMAC-SHA256 under a trusted ``kid``
    (built by hand: PyJWT refuses to sign HS256 with a key that looks like a PEM)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = _b64(json.dumps(token_claims(service_url)).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def teams_activity(service_url: str, text: str = "Un soudeur peut-il faire une Pro-A ?") -> dict:
    return {
        "type": "message",
        "id": "1767261600000",
        "timestamp": "2026-01-01T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": ADVISER_ID, "name": "Camille Conseillère", "aadObjectId": "f0f0"},
        "conversation": {
            "id": CONVERSATION_ID,
            "conversationType": "personal",
            "tenantId": TENANT_ID,
        },
        "recipient": BOT_ACCOUNT,
        "text": text,
        "textFormat": "plain",
        "locale": "fr-FR",
        "channelData": {"tenant": {"id": TENANT_ID}},
    }


def post_activity(base_url: str, activity: dict, token: str | None, timeout: float = 20) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(
        f"{base_url}/webhooks/botframework/webhook",
        data=json.dumps(activity),
        headers=headers,
        timeout=timeout,
    )


def wait_for(condition: Any, timeout: float = 10.0) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


# --- Slack ------------------------------------------------------------------------------

SLACK_SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
SLACK_BOT_TOKEN = "xoxb-test-token"
SLACK_BOT_USER = "U0BOTPROA"
SLACK_ADVISER = "U0ADVISER1"
SLACK_CHANNEL = "C0ADVISERS"


def slack_signed(body: bytes, secret: str = SLACK_SIGNING_SECRET) -> dict[str, str]:
    """Headers of a request signed as Slack does (HMAC-SHA256 of ``v0:<ts>:<body>``)."""
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": "application/json"}


def slack_mention(text: str, ts: str = "1767261600.000100") -> dict[str, Any]:
    """An ``app_mention`` event for the bot, in a channel."""
    return {
        "type": "event_callback",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": 1767261600,
        "authorizations": [{"user_id": SLACK_BOT_USER, "is_bot": True}],
        "event": {
            "type": "app_mention",
            "user": SLACK_ADVISER,
            "text": f"<@{SLACK_BOT_USER}> {text}",
            "ts": ts,
            "channel": SLACK_CHANNEL,
            "event_ts": ts,
        },
    }
