"""servers/patches.py: every patch of Rasa and Sanic is applied by its process, once, and
pinned to the third-party code it depends on.

The pins are hashes of the source of each target in the versions of constraints.txt
(rasa 3.6.21, rasa-sdk 3.6.2, sanic 21.12.2). When an upgrade changes one, its patch's
test fails: re-read the patch (is it still needed? does it still do the same?), then
update the pin with what the failure message prints.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib.util
from pathlib import Path

import pytest

from servers import patches, turn
from servers.patches import PATCHES, original

#: target (``module:qualified.name``) → first 16 hex digits of the SHA-256 of its source.
PINS = {
    "sanic.server.protocols.http_protocol:HttpProtocol._setup_connection": "a1ac234c4cdc2df0",
    "sanic.http:Http": "b5220ff7a1fbd995",
    "rasa.core.actions.action:RemoteAction.run": "b530fc5a6789c82f",
    "rasa.core.actions.action:RemoteAction._validate_action_result": "24da0f6bdeb2d44f",
    "rasa.core.actions.action:action_for_name_or_text": "edcd24369d0570e6",
    "rasa.core.processor:MessageProcessor._run_action": "787be209d2dd5571",
    "rasa.core.actions.action:ActionExtractSlots.run": "1a6de71f319a5933",
    "rasa.core.actions.action:default_actions": "cd90a4ccde667ae9",
    "rasa.core.run:_create_single_channel": "d4bd57caf7388c25",
}


def _source(target: str) -> str:
    """The source of ``target`` as its file holds it: read from the file, not from the
    live object, which a patch replaces and Sanic rewrites at start (``sanic.touchup``
    recompiles ``HttpProtocol.connection_task``)."""
    module, qualified = target.split(":")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, module
    text = Path(spec.origin).read_text(encoding="utf-8")
    node: ast.AST = ast.parse(text)
    for part in qualified.split("."):
        node = next(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and child.name == part
        )
    segment = ast.get_source_segment(text, node)
    assert segment, target
    return segment


def _source_hash(target: str) -> str:
    return hashlib.sha256(_source(target).encode("utf-8")).hexdigest()[:16]


def test_every_target_is_pinned() -> None:
    assert {target for patch in PATCHES for target in patch.targets} == set(PINS)
    assert len({patch.name for patch in PATCHES}) == len(PATCHES)
    assert all(patch.process in {"both", "rasa run"} and patch.why for patch in PATCHES)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_the_patched_code_is_the_pinned_one(patch: patches.Patch) -> None:
    for target in patch.targets:
        found = _source_hash(target)
        assert found == PINS[target], (
            f"{target} changed since the pin: re-read the patch {patch.name!r} of servers/patches.py "
            f"({patch.why}), then pin {found!r}"
        )


def test_the_patched_names_are_read_at_call_time() -> None:
    # The patches set module globals: they work only while the code reads them by name.
    assert "timeout=DEFAULT_REQUEST_TIMEOUT" in _source("rasa.core.actions.action:RemoteAction.run")
    assert "Http(self)" in _source("sanic.server.protocols.http_protocol:HttpProtocol._setup_connection")
    assert "BUILTIN_CHANNELS[channel]" in _source("rasa.core.run:_create_single_channel")
    # A failed custom action reaches the turn only through the wrapper: the processor
    # catches the exception (a rejection apart) and logs it.
    run_action = _source("rasa.core.processor:MessageProcessor._run_action")
    assert "except rasa.core.actions.action.ActionExecutionRejection:" in run_action
    assert "except Exception:" in run_action


def test_rasa_run_applies_every_patch_once() -> None:
    import rasa.core.actions.action as rasa_action
    import sanic.server.protocols.http_protocol as http_protocol
    from rasa.core.channels import BUILTIN_CHANNELS

    from channels import guarded
    from channels.botframework_checked import CheckedBotFrameworkInput
    from channels.slack_interactive import InteractiveSlackInput
    from servers.http_guard import GuardedHttp

    guarded.apply_patches()
    applied = (rasa_action.RemoteAction.run, rasa_action.ActionExtractSlots.run)
    guarded.apply_patches()  # again: nothing wraps twice

    assert (rasa_action.RemoteAction.run, rasa_action.ActionExtractSlots.run) == applied
    assert original(rasa_action.RemoteAction.run) is not rasa_action.RemoteAction.run
    assert original(original(rasa_action.RemoteAction.run)) is original(rasa_action.RemoteAction.run)
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == guarded.ACTION_TIMEOUT
    assert http_protocol.Http is GuardedHttp
    assert BUILTIN_CHANNELS["slack"] is InteractiveSlackInput
    assert BUILTIN_CHANNELS["botframework"] is CheckedBotFrameworkInput


def test_a_wrapper_wraps_the_third_party_function_never_a_wrapper() -> None:
    class Owner:
        def run(self) -> str:
            return "rasa"

    def wrapper(self: Owner) -> str:
        return "wrapped " + wrapper.__proa_original__(self)  # type: ignore[attr-defined]

    def reloaded(self: Owner) -> str:  # the same wrapper from a module loaded again
        return "again " + reloaded.__proa_original__(self)  # type: ignore[attr-defined]

    patches._wrap(Owner, "run", wrapper)
    patches._wrap(Owner, "run", reloaded)
    assert Owner().run() == "again rasa"
    assert original(Owner.run) is original(wrapper)


def test_the_action_server_applies_the_sanic_patch() -> None:
    import sanic.server.protocols.http_protocol as http_protocol

    from servers.http_guard import GuardedHttp

    patches.apply_action_server()
    assert http_protocol.Http is GuardedHttp


class _Action:
    """Stands for a ``RemoteAction`` in the wrapper's tests."""

    def name(self) -> str:
        return "action_answer_eligibility"


@pytest.mark.parametrize(
    "raised, failed",
    [(None, False), (RuntimeError("action server down"), True), ("rejection", False)],
    ids=["answers", "raises", "rejects"],
)
def test_a_failed_custom_action_is_recorded_on_the_turn(monkeypatch, raised, failed) -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    from channels import guarded

    guarded.apply_patches()
    if raised == "rejection":
        raised = ActionExecutionRejection("action_answer_eligibility")

    async def rasa_run(self, *args, **kwargs):
        if raised is not None:
            raise raised
        return ["event"]

    monkeypatch.setattr(patches._remote_action_run, "__proa_original__", rasa_run)

    async def one_turn() -> turn.Turn:
        with turn.handling() as current:
            try:
                assert await RemoteAction.run(_Action(), None, None, None, None) == ["event"]
            except Exception as error:
                assert error is raised  # it goes on to Rasa's processor unchanged
            return current

    assert asyncio.run(one_turn()).action_failed is failed
    # Outside a turn nothing is recorded, and the exception still goes on.
    if raised is not None:
        with pytest.raises(type(raised)):
            asyncio.run(RemoteAction.run(_Action(), None, None, None, None))


def test_the_turn_skips_custom_actions_once_one_failed(monkeypatch) -> None:
    from rasa.core.actions.action import RemoteAction

    from channels import guarded
    from channels.turn_guard import ActionServerSkipped

    guarded.apply_patches()
    calls: list[str] = []

    async def rasa_run(self, *args, **kwargs):
        calls.append(self.name())
        raise RuntimeError("timeout")

    monkeypatch.setattr(patches._remote_action_run, "__proa_original__", rasa_run)

    async def one_turn() -> None:
        with turn.handling():
            with pytest.raises(RuntimeError):
                await RemoteAction.run(_Action(), None, None, None, None)
            with pytest.raises(ActionServerSkipped):
                await RemoteAction.run(_Action(), None, None, None, None)

    asyncio.run(one_turn())
    assert calls == ["action_answer_eligibility"]
