"""The action server fails mid-conversation: the user gets the French busy text, and the
conversation goes on from where it was once the action server is back.

``rasa run`` talks to its own action server here (the test stops it), with
``PROA_ACTION_TIMEOUT=15`` so that a hung action server is given up after 15 s (long
enough that a healthy action server on a loaded CI machine is never taken for a hung one). A hung
server is simulated with SIGSTOP (connections are accepted by the kernel, nothing
answers), a dead one by stopping it.
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from tests.e2e.stack import ActionServer, RasaServer, require_model
from tests.e2e.talk import BUSY_TEXT, fold, joined, looks_french

pytestmark = pytest.mark.e2e

ACTION_TIMEOUT = 15


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    require_model()
    workdir = tmp_path_factory.mktemp("faults")
    actions = ActionServer(log_path=workdir / "actions.log").start()
    server = RasaServer(workdir=workdir, action_url=actions.url)
    try:
        server.start(env={"PROA_ACTION_TIMEOUT": str(ACTION_TIMEOUT)})
        # One conversation before the tests: the first message after a start is the
        # slowest (TensorFlow traces its graphs); under a loaded CI machine its action
        # calls could pass the short timeout used here, which the tests would take for
        # the fault they cause themselves.
        server.say(
            f"warm-up-{uuid.uuid4().hex[:8]}",
            "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?",
            timeout=120,
        )
        yield actions, server
    finally:
        server.stop()
        actions.stop()


def test_busy_text_when_the_action_server_hangs_then_goes_on(own_stack):
    actions, server = own_stack
    sender = f"hang-{uuid.uuid4().hex[:8]}"
    first = joined(server.say(sender, "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?"))
    assert looks_french(first) and BUSY_TEXT not in first, first

    os.kill(actions.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = joined(server.say(sender, "Quelles certifications sont possibles ?", timeout=ACTION_TIMEOUT * 4 + 60))
        elapsed = time.monotonic() - started
    finally:
        os.kill(actions.process.pid, signal.SIGCONT)
    assert BUSY_TEXT in answer, answer
    assert elapsed < ACTION_TIMEOUT * 4 + 10, f"busy answer after {elapsed:.1f} s"

    answer = joined(server.say(sender, "Quelles certifications sont possibles ?"))
    assert BUSY_TEXT not in answer, answer
    assert "cariste" in fold(answer), answer
    tracker = server.tracker(sender)
    assert tracker["slots"]["metier"] == "cariste"


def test_busy_text_when_the_action_server_is_down_then_goes_on(own_stack):
    actions, server = own_stack
    sender = f"down-{uuid.uuid4().hex[:8]}"
    first = joined(server.say(sender, "Je suis soudeur en contrat de mission, ai-je droit à la Pro-A ?"))
    assert looks_french(first) and BUSY_TEXT not in first, first

    actions.stop()
    try:
        answer = joined(server.say(sender, "Quelles certifications sont possibles ?"))
        assert answer.strip() == BUSY_TEXT or BUSY_TEXT in answer, answer
        # A message that needs no custom action is still answered normally.
        hello = joined(server.say(sender, "Bonjour"))
        assert looks_french(hello) and BUSY_TEXT not in hello, hello
    finally:
        actions.start()

    answer = joined(server.say(sender, "Quelles certifications sont possibles ?"))
    assert BUSY_TEXT not in answer, answer
    assert "soudeur" in fold(answer) or "soudage" in fold(answer), answer
    assert server.tracker(sender)["slots"]["contract"] == "contrat_de_mission"
