"""The project's action server (``rasa run actions``) with a call counter, for the benchmarks.

Same command as the product (``rasa run actions --actions actions …``), plus one thing:
every call of the webhook appends the action's name to the file named by
``PROA_BENCH_ACTION_LOG`` (one line per call, written with ``O_APPEND``: a few µs).
The benchmark reads it to count action calls per user message, per action name.

    PROA_BENCH_ACTION_LOG=/tmp/calls.txt .venv/bin/python -m benchmarks.counting_actions --port 5055
"""

from __future__ import annotations

import os
import sys
from typing import Any


def install_counter(path: str) -> None:
    """Wrap ``rasa_sdk.executor.ActionExecutor.run`` so that each call is logged to ``path``."""
    from rasa_sdk.executor import ActionExecutor

    original = ActionExecutor.run
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    async def run(self: ActionExecutor, action_call: dict[str, Any]) -> dict[str, Any] | None:
        name = str((action_call or {}).get("next_action") or "?")
        os.write(descriptor, (name + "\n").encode("utf-8"))
        return await original(self, action_call)

    ActionExecutor.run = run  # type: ignore[method-assign]


def main() -> None:
    path = os.environ.get("PROA_BENCH_ACTION_LOG")
    if path:
        install_counter(path)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "run", "actions", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
