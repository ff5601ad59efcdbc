"""Reading the committed snapshots of the legal data (``knowledge/law/legi_snapshot.json``,
``knowledge/law/legi_proa_snapshot.json``, ``knowledge/idcc1404/kali_snapshot.json``).

The runtime reads snapshots only; building and refreshing them from the npm data packages
is the sync tooling's job (:mod:`tools.knowledge_sync`, ``bot knowledge refresh``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


class SnapshotError(RuntimeError):
    """Raised when a snapshot (or a data package it is built from) cannot be read."""


def json_object(data: Any, path: Path) -> dict[str, Any]:
    """``data`` when it is a JSON object; SnapshotError otherwise."""
    if not isinstance(data, dict):
        raise SnapshotError(f"{path} does not hold a JSON object")
    return data


def read_snapshot(path: Path, empty: dict[str, Any]) -> dict[str, Any]:
    """Read a snapshot file; an absent file gives ``empty``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"could not read snapshot {path}: {exc}") from exc
    return json_object(data, Path(path))


_SPACES = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) into one space."""
    return _SPACES.sub(" ", text).strip()
