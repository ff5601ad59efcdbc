"""Protection of Rasa's HTTP API: ``--auth-token``, ``--jwt-secret`` and ``--cors``.

The app is built by ``rasa.core.run.configure_app`` with the same arguments that
``rasa run --enable-api --auth-token … --jwt-secret … --cors https://widget.example``
passes (the CLI's ``--jwt-method`` defaults to HS256; ``configure_app`` itself has no
default and silently disables JWT without it). A fake agent stands for the model.

What the tests pin down (see docs/channels.md):
- ``/`` and ``/version`` are public; ``/status``, ``/conversations/…``, ``/model/…``
  need ``?token=<auth token>`` or ``Authorization: Bearer <JWT>``;
- a JWT with ``role: admin`` opens every endpoint, ``role: user`` only the
  conversation whose id is its ``username``;
- the channel webhooks (``/webhooks/rest/webhook``, Slack, Teams, socket.io) are not
  covered by the token: they are the public entry points of the widget and the chat
  apps (Slack and Teams requests are authenticated by their own signatures);
- CORS answers only the origins given with ``--cors``.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

import jwt
import pytest
import requests
from rasa.core.channels.rest import RestInput
from rasa.core.run import configure_app

WIDGET_ORIGIN = "https://widget.example"
OTHER_ORIGIN = "https://evil.example"
AUTH_TOKEN = "test-auth-token-4f1d"
JWT_SECRET = "test-jwt-secret-9c2e-at-least-32-bytes-long"


def bearer(role: str, username: str = "conseiller", secret: str = JWT_SECRET) -> dict[str, str]:
    claims = {"user": {"username": username, "role": role}, "exp": int(time.time()) + 600}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


@pytest.fixture
def api_url(fake_agent, serve_app) -> Iterator[str]:
    app = configure_app(
        [RestInput()],
        cors=[WIDGET_ORIGIN],
        auth_token=AUTH_TOKEN,
        enable_api=True,
        jwt_secret=JWT_SECRET,
        jwt_method="HS256",
    )
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        yield base_url


def get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


def test_version_and_root_are_public(api_url):
    assert get(f"{api_url}/version").status_code == 200
    assert get(f"{api_url}/").status_code == 200


def test_status_without_token_is_refused(api_url):
    response = get(f"{api_url}/status")

    assert response.status_code == 401
    assert response.json()["reason"] == "NotAuthenticated"


def test_status_with_a_wrong_token_is_refused(api_url):
    assert get(f"{api_url}/status", params={"token": "wrong"}).status_code == 401


def test_status_with_the_auth_token(api_url):
    response = get(f"{api_url}/status", params={"token": AUTH_TOKEN})

    assert response.status_code == 200
    assert response.json()["model_id"] == "test-model"


def test_status_with_an_admin_jwt(api_url):
    assert get(f"{api_url}/status", headers=bearer("admin")).status_code == 200


def test_jwt_signed_with_another_secret_is_refused(api_url):
    other_secret = "another-secret-also-32-bytes-long!"
    response = get(f"{api_url}/status", headers=bearer("admin", secret=other_secret))

    assert response.status_code == 401


def test_user_jwt_opens_only_its_own_conversation(api_url):
    # role "user": not /status, not someone else's conversation.
    assert get(f"{api_url}/status", headers=bearer("user", "alice")).status_code == 403
    response = get(
        f"{api_url}/conversations/bob/tracker", headers=bearer("user", "alice")
    )
    assert response.status_code == 403


def test_model_endpoints_need_the_token(api_url):
    response = requests.post(
        f"{api_url}/model/parse", json={"text": "bonjour"}, timeout=10
    )

    assert response.status_code == 401


def test_cors_preflight_from_the_widget_origin_is_allowed(api_url):
    response = requests.options(
        f"{api_url}/webhooks/rest/webhook",
        headers={
            "Origin": WIDGET_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )

    assert response.headers.get("Access-Control-Allow-Origin") == WIDGET_ORIGIN
    assert "POST" in response.headers.get("Access-Control-Allow-Methods", "")


def test_cors_preflight_from_another_origin_gets_no_allow_header(api_url):
    response = requests.options(
        f"{api_url}/webhooks/rest/webhook",
        headers={"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )

    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_on_a_simple_request(api_url):
    allowed = get(f"{api_url}/version", headers={"Origin": WIDGET_ORIGIN})
    other = get(f"{api_url}/version", headers={"Origin": OTHER_ORIGIN})

    assert allowed.headers.get("Access-Control-Allow-Origin") == WIDGET_ORIGIN
    assert "Access-Control-Allow-Origin" not in other.headers


def test_without_cors_option_no_origin_is_allowed(fake_agent, serve_app):
    app = configure_app([RestInput()], cors=None, auth_token=AUTH_TOKEN)
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        response = requests.options(
            f"{base_url}/webhooks/rest/webhook",
            headers={"Origin": WIDGET_ORIGIN, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )

    assert "Access-Control-Allow-Origin" not in response.headers


def test_rest_webhook_is_not_covered_by_the_token(api_url, fake_agent, sample_payload):
    # Documented limitation: the channel webhooks are public entry points. The REST
    # answer carries the text, the buttons and the structured payload.
    response = requests.post(
        f"{api_url}/webhooks/rest/webhook",
        json={"sender": "visiteur-1", "message": "Un soudeur peut-il faire une Pro-A ?"},
        headers={"Origin": WIDGET_ORIGIN},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.headers.get("Access-Control-Allow-Origin") == WIDGET_ORIGIN
    assert fake_agent.messages[0].input_channel == "rest"
    assert response.json() == [
        {
            "recipient_id": "visiteur-1",
            "text": sample_payload["text"],
            # The list goes on (``more``): channels offer « Voir plus » first (docs/DESIGN.md).
            "buttons": [{"title": "Voir plus", "payload": "/show_more"}, *sample_payload["buttons"]],
        },
        {"recipient_id": "visiteur-1", "custom": sample_payload},
    ]


def test_without_enable_api_the_http_api_is_not_served(fake_agent, serve_app):
    # `rasa run` without --enable-api: only `/` and the channel webhooks.
    app = configure_app([RestInput()], enable_api=False)
    app.ctx.agent = fake_agent
    with serve_app(app) as base_url:
        status = get(f"{base_url}/status")
        root = get(f"{base_url}/")

    assert status.status_code == 404
    assert root.status_code == 200
