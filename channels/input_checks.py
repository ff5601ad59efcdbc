"""Checks shared by every input channel of the project (REST and socket.io).

- JSON nesting deeper than :data:`MAX_JSON_DEPTH` is refused (Python's ``json`` raises
  ``RecursionError`` on very deep input, which became a 500);
- ``metadata`` must be a JSON object of at most :data:`MAX_METADATA_BYTES` bytes once
  serialised (it is stored with every user event of the tracker);
- sender / session ids are short strings without control characters nor unpaired
  surrogates;
- unpaired UTF-16 surrogates (``"\\ud800"`` in a JSON string) are removed from the text by
  :func:`without_surrogates`: they cannot be encoded in UTF-8, so the model, the tracker
  store and the lock store failed on them (the person got the busy message).
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeGuard

from bot.settings import Settings

_SETTINGS = Settings.from_env()

#: Deepest JSON nesting accepted in a request body or socket.io event.
MAX_JSON_DEPTH = _SETTINGS.max_json_depth
#: Largest ``metadata`` accepted, in bytes of compact JSON.
MAX_METADATA_BYTES = _SETTINGS.max_metadata_bytes
#: Longest sender id (the SQL tracker store column holds 255).
MAX_SENDER_CHARS = 128

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A UTF-16 surrogate code point. ``json.loads`` joins a valid pair into one character,
#: so a surrogate left in a ``str`` is unpaired (and cannot be written as UTF-8).
SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_surrogates(text: str, replacement: str = " ") -> str:
    """``text`` with every unpaired surrogate replaced by ``replacement``."""
    return SURROGATE.sub(replacement, text)


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests containers deeper than ``limit``; iterative."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def loads_limited(raw: str) -> Any:
    """``json.loads`` that raises ``ValueError`` (not ``RecursionError``) on too deep input."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if too_deep(value):
        raise ValueError("JSON nested too deeply")
    return value


def metadata_problem(metadata: Any) -> str | None:
    """Why ``metadata`` is refused (``"type"``, ``"depth"``, ``"size"``), or None."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return "type"
    if too_deep(metadata, MAX_JSON_DEPTH - 1):
        return "depth"
    try:
        size = len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError):
        return "type"
    return "size" if size > MAX_METADATA_BYTES else None


def valid_sender(sender: Any) -> TypeGuard[str]:
    """A sender id: 1–128 characters, not only spaces, no control character, no
    unpaired surrogate (an id is never rewritten: two different ids would become one)."""
    return (
        isinstance(sender, str)
        and bool(sender.strip())
        and len(sender) <= MAX_SENDER_CHARS
        and not CONTROL.search(sender)
        and not SURROGATE.search(sender)
    )
