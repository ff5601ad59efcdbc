"""The sector, sub-sector and workplace words of ``knowledge/context_words.yml``.

Read by :class:`bot.matching.MetierMatcher` to pick, among métiers that share a title,
the one whose label, sub-sector or sector names the place the message speaks of
(« électricien dans le bâtiment », « électricien en usine »). The words are data: this
module only reads and validates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge.loader import knowledge_dir, validate

FILE_NAME = "context_words.yml"
SCHEMA = "context_words.schema.json"


@dataclass(frozen=True)
class Context:
    """One place or field of work: the annex label words that name it, and the everyday
    words (one or several words each) that name it in a message."""

    id: str
    labels: tuple[str, ...]
    words: tuple[str, ...]


def load_context_words(root: Path | None = None) -> tuple[Context, ...]:
    """Read and validate ``knowledge/context_words.yml``; only reviewed contexts are kept."""
    root = root or knowledge_dir()
    path = root / FILE_NAME
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(data, SCHEMA, path, root)
    return tuple(
        Context(item["id"], tuple(item["labels"]), tuple(item["words"]))
        for item in data["contexts"]
        if item["reviewed"]
    )


@lru_cache(maxsize=1)
def default_context_words() -> tuple[Context, ...]:
    """The repository's contexts (read once)."""
    return load_context_words()
