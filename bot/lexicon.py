"""French word lists read by the matcher and the text helpers (``knowledge/lexicon/fr.yml``).

Words are data: a newcomer adds a stop word or a generic title head in the YAML file,
checked by its JSON Schema, without touching the algorithms. The lists are language
data, not a branch's knowledge, so they are read from the repository's ``knowledge/``
folder whatever ``PROA_KNOWLEDGE_DIR`` says (the small test fixtures need no copy).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

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
