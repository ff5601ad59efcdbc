"""A custom action that fails the way Rasa's does when the action server is down, for the
fake agents of the channel tests.

The real ``RemoteAction`` (as :mod:`channels.guarded` patched it) calls a loopback port
where nothing listens and raises; like Rasa's processor, :func:`run_failing_action`
catches the exception, logs it and goes on. The channel's turn guard learns the failure
from the turn (``servers/turn.py``), as with the real assistant, not from the log.
"""

from __future__ import annotations

import logging
import socket

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import channels.guarded  # noqa: F401  (applies the patches of rasa run)


def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run_failing_action(message: UserMessage, name: str = "action_answer_eligibility") -> None:
    """Run the custom action ``name`` against a closed port, as Rasa's processor does."""
    action = RemoteAction(name, EndpointConfig(f"http://127.0.0.1:{closed_port()}/webhook"))
    try:
        await action.run(message.output_channel, None, DialogueStateTracker(message.sender_id, []), Domain.empty())
    except Exception:
        logging.getLogger("rasa.core.processor").exception(
            f"Encountered an exception while running action '{name}'."
            "Bot will continue, but the actions events are lost."
        )
