"""French word lists read by the matcher and the text helpers (``knowledge/lexicon/fr.yml``).

Words are data: a newcomer adds a stop word or a generic title head in the YAML file,
checked by its JSON Schema, without touching the algorithms. The lists are language
data, not a branch's knowledge, so they are read from the repository's ``knowledge/``
folder whatever ``PROA_KNOWLEDGE_DIR`` says (the small test fixtures need no copy).

The other word files of ``knowledge/lexicon/`` (:func:`read_word_file`: the framing of a
job in a message, the words that never describe a task…) each have their own schema; a
knowledge folder named by ``PROA_KNOWLEDGE_DIR`` may hold its own copy of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.settings import Settings

LEXICON_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "lexicon" / "fr.yml"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "schema" / "lexicon.schema.json"


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_FILE) -> dict[str, frozenset[str]]:
    """Every list of the lexicon file, validated against its schema."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return {name: frozenset(words) for name, words in data.items()}


def lexicon_words(name: str) -> frozenset[str]:
    """One list of the lexicon (``stop_words``, ``generic_words``…)."""
    return load_lexicon()[name]


def lexicon_file(name: str) -> Path:
    """``lexicon/<name>.yml`` of the knowledge folder in use (``PROA_KNOWLEDGE_DIR``, as
    :func:`bot.knowledge.loader.knowledge_dir` reads it), or the repository's when that
    folder has none (the small test fixtures carry no word lists)."""
    path = Settings.from_env().knowledge_dir / "lexicon" / f"{name}.yml"
    return path if path.is_file() else LEXICON_FILE.parent / f"{name}.yml"


@cache
def read_word_file(name: str) -> Mapping[str, Any]:
    """The content of ``lexicon/<name>.yml`` (:func:`lexicon_file`), validated against
    ``schema/<name>.schema.json`` of the same knowledge folder. Read once per name."""
    path = lexicon_file(name)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads((path.parents[1] / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return dict(data)
