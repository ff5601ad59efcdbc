"""Every patch of third-party code (Rasa 3.6.21, Sanic 21.12.2), in one place.

Where Rasa or Sanic offer a way in (a subclass named in credentials.yml, a component in
config.yml, a tracker or lock store in endpoints.yml, rasa-sdk's plugin hook), the project
uses it. What follows they leave closed: each patch is one :class:`Patch` of
:data:`PATCHES`, which says what is replaced and why nothing else reaches it.
``tests/servers/test_patches.py`` pins the source of every target: upgrading Rasa or
Sanic fails there until someone has re-read the patch and updated its pin.

Each process applies its patches once, by one explicit call:

- ``rasa run``: :func:`apply_rasa_server`, by :mod:`channels.guarded` (the first channel of
  every credentials file), with the project's code in :class:`RasaHooks`;
- ``rasa run actions``: :func:`apply_action_server`, by the ``actions`` package.

Both are idempotent, also when this module is loaded again: every function put in Rasa is
a wrapper of this module that keeps Rasa's own (``__proa_original__``, :func:`original`)
and never wraps itself. Rasa is imported by
:func:`apply_rasa_server` (and the wrappers it installs) only, so the action server does
not load it.

The wrapper of ``RemoteAction.run`` also records a failed custom action on the current
turn (:mod:`servers.turn`): Rasa's processor catches the exception and only logs it, and
the turn guard of the channels must not read log lines to learn it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sanic.server.protocols.http_protocol as http_protocol

from servers import turn
from servers.http_guard import GuardedHttp


@dataclass(frozen=True)
class Patch:
    """One patch: its name, the third-party code it depends on (``module:qualified.name``,
    pinned by the tests), the process that applies it, and why it is a patch."""

    name: str
    targets: tuple[str, ...]
    process: str
    why: str


PATCHES: tuple[Patch, ...] = (
    Patch(
        "sanic_http",
        ("sanic.server.protocols.http_protocol:HttpProtocol._setup_connection", "sanic.http:Http"),
        "both",
        "Refuse malformed request framing before Sanic reads a body (servers/http_guard.py). "
        "HttpProtocol makes each connection's `Http(self)` from its module's global, and neither "
        "`rasa run` nor rasa-sdk lets an application choose the protocol class; GuardedHttp "
        "subclasses Http and relies on its internals.",
    ),
    Patch(
        "action_timeout",
        ("rasa.core.actions.action:RemoteAction.run",),
        "rasa run",
        "Give up a call to the action server after PROA_ACTION_TIMEOUT seconds, not 5 minutes. "
        "RemoteAction.run passes the module constant DEFAULT_REQUEST_TIMEOUT (read at call "
        "time) as the request timeout; endpoints.yml has no timeout for the action endpoint.",
    ),
    Patch(
        "action_result_validation",
        ("rasa.core.actions.action:RemoteAction._validate_action_result",),
        "rasa run",
        "Validate the action server's answer with a validator built once (channels/action_validation.py): "
        "Rasa re-checks the schema itself on every answer. Rasa creates its RemoteAction objects "
        "itself: there is no class to configure.",
    ),
    Patch(
        "skip_after_failure",
        (
            "rasa.core.actions.action:RemoteAction.run",
            "rasa.core.actions.action:action_for_name_or_text",
            "rasa.core.processor:MessageProcessor._run_action",
        ),
        "rasa run",
        "Record on the turn (servers/turn.py) that a custom action raised, and once one did, "
        "skip the turn's other custom actions (channels/turn_guard.py). The processor "
        "(MessageProcessor._run_action) catches the exception and only logs it, so the "
        "wrapper is the one place that sees it (a rejection, ActionExecutionRejection, is "
        "no failure). Rasa makes a RemoteAction for every custom action name "
        "(action_for_name_or_text, forms, slot mappings): no factory to give a subclass to.",
    ),
    Patch(
        "feedback_comment",
        ("rasa.core.actions.action:ActionExtractSlots.run", "rasa.core.actions.action:default_actions"),
        "rasa run",
        "Record the message typed after a « Non » feedback as its comment, right after "
        "action_extract_slots (channels/feedback_comment.py). That action is one of Rasa's default "
        "actions (default_actions), which no configuration replaces; a custom action would "
        "cost a call of the action server per message.",
    ),
    Patch(
        "builtin_channels",
        ("rasa.core.run:_create_single_channel",),
        "rasa run",
        "Make Rasa's built-in `slack:` and `botframework:` credentials keys create the project's "
        "channels (once channels.guarded is loaded). Rasa looks those keys up in its "
        "BUILTIN_CHANNELS dict and has no registry for them.",
    ),
)


@dataclass(frozen=True)
class RasaHooks:
    """The project's code that the patches of ``rasa run`` plug into Rasa."""

    #: Seconds after which a call to the action server is given up.
    action_timeout: float
    #: Replaces ``RemoteAction._validate_action_result`` (same contract).
    validate_action_result: Callable[[Any, dict[str, Any]], bool]
    #: Called with the action's name before each custom action; raises to skip it.
    before_remote_action: Callable[[str], None]
    #: Events added after ``action_extract_slots``: ``(tracker, nlg, output_channel)``.
    after_extract_slots: Callable[[Any, Any, Any], Awaitable[list[Any]]]
    #: The project's channels (InputChannel classes) that Rasa's built-in keys of the same name create.
    builtin_channels: tuple[Any, ...]


_hooks: RasaHooks | None = None


def original(function: Any) -> Any:
    """Rasa's or Sanic's own function behind one of this module's wrappers."""
    return getattr(function, "__proa_original__", function)


def _current_hooks() -> RasaHooks:
    if _hooks is None:  # the wrappers are installed by apply_rasa_server only
        raise RuntimeError("servers.patches: apply_rasa_server() was not called")
    return _hooks


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` by :attr:`RasaHooks.validate_action_result`
    (patch ``action_result_validation``)."""
    return _current_hooks().validate_action_result(self, result)


async def _remote_action_run(self: Any, *args: Any, **kwargs: Any) -> Any:
    """``RemoteAction.run`` after :attr:`RasaHooks.before_remote_action`; when it raises
    (but for a rejection), the current turn records the failure
    (:func:`servers.turn.record_action_failure`) before the exception goes on to Rasa's
    processor, which catches it and only logs it (patch ``skip_after_failure``)."""
    _current_hooks().before_remote_action(self.name())
    try:
        return await _remote_action_run.__proa_original__(self, *args, **kwargs)  # type: ignore[attr-defined]
    except Exception as error:
        # Loaded by then: apply_rasa_server imported it.
        from rasa.core.actions.action import ActionExecutionRejection

        if not isinstance(error, ActionExecutionRejection):
            turn.record_action_failure()
        raise


async def _extract_slots_run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Any]:
    """``ActionExtractSlots.run``, then :attr:`RasaHooks.after_extract_slots` (patch ``feedback_comment``)."""
    events: list[Any] = await _extract_slots_run.__proa_original__(  # type: ignore[attr-defined]
        self, output_channel, nlg, tracker, domain
    )
    return events + await _current_hooks().after_extract_slots(tracker, nlg, output_channel)


def _wrap(owner: Any, attribute: str, wrapper: Any) -> None:
    """Put ``wrapper`` in place of ``owner.attribute``, around the third-party function."""
    wrapper.__proa_original__ = original(getattr(owner, attribute))
    setattr(owner, attribute, wrapper)


def _sanic_http() -> None:
    http_protocol.Http = GuardedHttp  # type: ignore[misc]


def apply_action_server() -> None:
    """The patches of the action server (``rasa run actions``): :data:`PATCHES` of process ``both``."""
    _sanic_http()


def apply_rasa_server(hooks: RasaHooks) -> None:
    """The patches of ``rasa run`` (every :data:`PATCHES`), with the project's ``hooks``."""
    global _hooks
    import rasa.core.actions.action as rasa_action
    from rasa.core.channels import BUILTIN_CHANNELS

    _hooks = hooks
    _sanic_http()
    rasa_action.DEFAULT_REQUEST_TIMEOUT = hooks.action_timeout  # type: ignore[assignment]
    _wrap(rasa_action.RemoteAction, "_validate_action_result", _validate_action_result)
    _wrap(rasa_action.RemoteAction, "run", _remote_action_run)
    _wrap(rasa_action.ActionExtractSlots, "run", _extract_slots_run)
    for channel in hooks.builtin_channels:
        BUILTIN_CHANNELS[channel.name()] = channel
