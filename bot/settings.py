"""Settings read from the environment (``PROA_*`` variables).

The helpers here have no dependency: every layer (the core, the channels, the action
server, the stores) reads its settings through them.
"""

from __future__ import annotations

import os


def env_int(name: str, default: int) -> int:
    """The positive integer of environment variable ``name``, else ``default``."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default
