"""Settings read from the environment (``PROA_*`` variables).

The helpers here have no dependency: every layer (the core, the channels, the action
server, the stores) reads its settings through them.
"""

from __future__ import annotations

import os
from pathlib import Path


def env_int(name: str, default: int) -> int:
    """The positive integer of environment variable ``name``, else ``default``."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def npm_cache_dir() -> Path:
    """``PROA_NPM_CACHE``: where the sync tooling keeps the npm tarballs of the legal data
    and the files extracted from them (never in the repository: the Code du travail alone
    is 55 MB); ``~/.cache/proa-npm`` by default."""
    return Path(os.environ.get("PROA_NPM_CACHE", Path.home() / ".cache" / "proa-npm"))
