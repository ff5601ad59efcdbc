"""The French wording catalogue: every sentence a user reads, in ``knowledge/wording/``.

One catalogue, one file per section (``answers.yml`` for the answers, ``widget.yml`` for
the chat widget, ``channels.yml`` for the channels' own replies, ``review.yml`` for the
operators' review page…), each checked by ``knowledge/schema/wording.schema.json``. Code
reads its sentences by key and fills their ``{named}`` fields; it holds no French of its
own (``tests/wording/test_french_literals.py`` scans for it). The widget gets its section at
build time (``web/gen-wording.mjs`` → ``web/src/generated/wording.ts``), and Rasa its
responses (``responses.yml`` → domain.yml, ``python -m tools.domain_responses``).

Like the word lists, the wording is language data, not a branch's knowledge: it is read
from the repository's ``knowledge/`` folder, whatever ``PROA_KNOWLEDGE_DIR`` says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

WORDING_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "wording"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "schema" / "wording.schema.json"


class WordingError(KeyError):
    """A key the catalogue does not have (a typo in code, or a sentence not written yet)."""


class Catalogue:
    """The sections of one wording folder (file stem → its entries), each validated."""

    def __init__(self, sections: Mapping[str, Mapping[str, Any]], folder: Path) -> None:
        self.sections = sections
        self.folder = folder

    @classmethod
    def from_folder(cls, folder: Path) -> Catalogue:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        sections: dict[str, Mapping[str, Any]] = {}
        for path in sorted(folder.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            jsonschema.validate(data, schema)
            sections[path.stem] = data
        return cls(sections, folder)

    def section(self, name: str) -> Mapping[str, Any]:
        """One section (``answers``, ``widget``…)."""
        try:
            return self.sections[name]
        except KeyError:
            raise WordingError(f"no wording section {name!r} in {self.folder}") from None

    def entry(self, name: str, key: str) -> Any:
        """The entry ``key`` of section ``name``: a sentence, a list of sentences or a group
        (a dotted key reads inside groups: ``"reasons.too_old"``)."""
        value: Any = self.section(name)
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise WordingError(f"no wording {name}:{key}")
            value = value[part]
        return value

    def text(self, name: str, key: str, **fields: Any) -> str:
        """The sentence ``key`` of section ``name``, its ``{named}`` fields filled."""
        value = self.entry(name, key)
        if not isinstance(value, str):
            raise WordingError(f"wording {name}:{key} is not a sentence")
        return value.format(**fields) if fields else value


@cache
def catalogue() -> Catalogue:
    """The repository's catalogue, read once."""
    return Catalogue.from_folder(WORDING_DIR)


def section(name: str) -> Mapping[str, Any]:
    """One section of the repository's catalogue."""
    return catalogue().section(name)


def entry(name: str, key: str) -> Any:
    """One entry of the repository's catalogue (:meth:`Catalogue.entry`)."""
    return catalogue().entry(name, key)


def text(name: str, key: str, **fields: Any) -> str:
    """One sentence of the repository's catalogue, filled (:meth:`Catalogue.text`)."""
    return catalogue().text(name, key, **fields)
