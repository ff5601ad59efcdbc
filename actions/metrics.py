"""``GET /metrics`` for Prometheus on the action server (issue 22).

Counters, with the maintained ``prometheus-client`` library, in a registry of their own:

- ``proa_answers_total{topic, outcome, channel}``: each turn the action server answers,
  with its outcome (:mod:`bot.outcomes`: ``answered``, ``asked_back``, ``refused``,
  ``fallback``). Structured answers are counted where they are sent
  (:func:`actions.common.send_answer` calls :func:`count_answer`); the domain's fallback
  and « question back » responses (``utter_ask_rephrase``, ``utter_ask_affirmation_*``,
  ``utter_ask_*``) are counted from the action server's reply (topic ``none``);
- ``proa_feedback_total{value}``: the « Cette réponse vous aide ? » clicks (``yes``, ``no``);
- ``proa_action_seconds{action}``: a histogram of the time of each ``/webhook`` call.

Nothing personal in a label: topics, outcomes, channels and feedback values come from
closed lists (anything else is ``other``), the action label only from an action the
server knows (a call it answered with 200; otherwise ``unknown``).

The route is added through rasa-sdk's own extension point (the ``attach_sanic_app_extensions``
hook that ``rasa_sdk.endpoint.run`` calls on its app, after the ``actions`` package is
imported): :func:`install` registers the hook. ``/metrics`` answers only to loopback
clients unless ``PROA_METRICS_ALLOW`` lists networks (``10.0.0.0/8,192.168.1.5``); it is
off with ``PROA_METRICS=0``. With several Sanic workers (``ACTION_SERVER_SANIC_WORKERS``)
each worker counts its own calls: keep the default of one.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

import pluggy
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.outcomes import ANSWER_OUTCOMES, ANSWERED, payload_outcome, response_outcome
from bot.settings import Settings

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

ANSWERS = Counter(
    "proa_answers",
    "Turns answered by the action server, by topic, outcome and channel.",
    ("topic", "outcome", "channel"),
    registry=REGISTRY,
)
FEEDBACK = Counter(
    "proa_feedback", "Clicks on the feedback question under an answer, by value.", ("value",), registry=REGISTRY
)
ACTION_SECONDS = Histogram(
    "proa_action_seconds",
    "Time of one action call (/webhook), in seconds.",
    ("action",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

#: Channels a label may name (Rasa's input channel names); others are ``other``.
CHANNELS = frozenset({"rest", "socketio", "slack", "botframework", "cmdline", "callback"})
FEEDBACK_VALUES = frozenset({"yes", "no"})
_TOPIC = re.compile(r"^(eligibility|certifications|rules|info|faq(:[a-z_]{1,40})?)$")
_ACTION = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
NO_TOPIC = "none"
OTHER = "other"


def channel_label(channel: str | None) -> str:
    return channel if channel in CHANNELS else (OTHER if channel else "unknown")


def topic_label(topic: str | None) -> str:
    return topic if topic and _TOPIC.match(topic) else (OTHER if topic else NO_TOPIC)


def count_answer(payload: Mapping[str, Any], channel: str | None) -> None:
    """Count one structured answer (a ``proa_answer`` payload) sent on ``channel``."""
    try:
        outcome = payload_outcome(payload)
        ANSWERS.labels(topic_label(str(payload.get("topic") or "")), outcome, channel_label(channel)).inc()
    except Exception:  # metrics never break an answer
        logger.exception("metrics: answer not counted")


def count_feedback(value: str | None) -> None:
    """Count one feedback click."""
    FEEDBACK.labels(value if value in FEEDBACK_VALUES else OTHER).inc()


def count_reply(reply: Mapping[str, Any], channel: str | None) -> None:
    """Count the fallback or question back of an action's reply made of domain responses
    (a structured answer was counted when it was sent)."""
    for message in reply.get("responses") or ():
        outcome = response_outcome(str(message.get("response") or "")) if isinstance(message, Mapping) else None
        if outcome and outcome != ANSWERED and outcome in ANSWER_OUTCOMES:
            ANSWERS.labels(NO_TOPIC, outcome, channel_label(channel)).inc()
            return


# -- the route and the timing -----------------------------------------------------------------


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Loopback, and the networks of ``PROA_METRICS_ALLOW``."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = [
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    ]
    for item in Settings.from_env().metrics_allow:
        networks.append(ipaddress.ip_network(item, strict=False))
    return networks


def client_allowed(ip: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


async def _start_timer(request: Request) -> None:
    if request.path == "/webhook":
        request.ctx.proa_started = time.perf_counter()


async def _observe(request: Request, reply: BaseHTTPResponse) -> None:
    started = getattr(request.ctx, "proa_started", None)
    if started is None:
        return
    elapsed = time.perf_counter() - started
    try:
        call = request.json or {}
        name = str(call.get("next_action") or "")
        action = name if reply.status == 200 and _ACTION.match(name) else "unknown"
        ACTION_SECONDS.labels(action).observe(elapsed)
        if reply.status == 200 and reply.body:
            import json

            channel = (call.get("tracker") or {}).get("latest_input_channel")
            count_reply(json.loads(reply.body), channel)
    except Exception:  # metrics never break an answer
        logger.debug("metrics: call not counted", exc_info=True)


def attach(app: Sanic) -> None:
    """Add ``GET /metrics`` and the action timing to rasa-sdk's app (idempotent)."""
    if not Settings.from_env().metrics or getattr(app.ctx, "proa_metrics", False):
        return
    app.ctx.proa_metrics = True
    networks = allowed_networks()

    async def metrics(request: Request) -> HTTPResponse:
        if not client_allowed(request.ip, networks):
            return response.json({"error": "forbidden"}, status=403)
        return response.raw(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

    app.add_route(metrics, "/metrics", methods=["GET"], name="proa_metrics")
    app.register_middleware(_start_timer, "request")
    app.register_middleware(_observe, "response")


class _Plugin:
    """rasa-sdk's hook (``rasa_sdk.plugin``): called by ``rasa_sdk.endpoint.run`` on its app."""

    @pluggy.HookimplMarker("rasa_sdk")
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        attach(app)


_PLUGIN = _Plugin()


def install() -> None:
    """Register the hook with rasa-sdk's plugin manager (the ``actions`` package calls it)."""
    from rasa_sdk.plugin import plugin_manager

    manager = plugin_manager()
    if not manager.is_registered(_PLUGIN):
        manager.register(_PLUGIN)
