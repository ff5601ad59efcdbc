"""The words of the rule finder and the question reader (``knowledge/lexicon/questions.yml``).

One loader, validated by ``knowledge/schema/questions.schema.json``; phrases are kept
folded (:func:`bot.text.normalize`) and compiled once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.knowledge.loader import knowledge_dir

FILE = Path("lexicon") / "questions.yml"
SCHEMA = Path("schema") / "questions.schema.json"


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words of a normalised text, longest first."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![a-z0-9])")


@dataclass(frozen=True)
class QuestionWords:
    """The compiled word lists."""

    joined: Mapping[str, str]
    joined_pattern: re.Pattern[str]
    ignored: frozenset[str]
    synonyms: Mapping[str, str]
    scheme_patterns: Mapping[str, re.Pattern[str]]
    past_cue: re.Pattern[str]
    follow_up_cue: re.Pattern[str]
    open_question: re.Pattern[str]
    negative_cue: re.Pattern[str]
    second_question: re.Pattern[str]
    source_patterns: Mapping[str, re.Pattern[str]]
    role_patterns: Mapping[str, re.Pattern[str]]
    #: Asks for the list of certifications (« quelles formations », « que puis-je préparer »).
    list_cue: re.Pattern[str] = re.compile(r"(?!)")
    #: An adviser speaking of a worker (« mon intérimaire », « un salarié que j'accompagne »).
    adviser_cue: re.Pattern[str] = re.compile(r"(?!)")

    def join(self, normalised: str) -> str:
        """Multi-word phrases written as one word (« pro a » → « proa »)."""
        return self.joined_pattern.sub(lambda m: self.joined[m.group(0)], normalised)


def compile_question_words(data: Mapping[str, Any]) -> QuestionWords:
    """Compile the file's content (already validated)."""
    joined = dict(data["joined"])
    return QuestionWords(
        joined=joined,
        joined_pattern=phrase_pattern(joined),
        ignored=frozenset(data["ignored_words"]),
        synonyms=dict(data["synonyms"]),
        scheme_patterns={name: phrase_pattern(phrases) for name, phrases in data["schemes"].items()},
        past_cue=phrase_pattern(data["past_cues"]),
        open_question=phrase_pattern(data["open_question_words"]),
        negative_cue=phrase_pattern(data["negative_cues"]),
        source_patterns={name: phrase_pattern(phrases) for name, phrases in data["source_cues"].items()},
        second_question=re.compile(
            r"(?:[?;]|,\s*(?:et\s+)?|\s+et\s+)(?=\s*(?:"
            + "|".join(re.escape(p) for p in sorted(data["second_question_starts"], key=len, reverse=True))
            + r")(?![a-z0-9]))"
        ),
        follow_up_cue=re.compile(r"^(?:" + phrase_pattern(data["follow_up_cues"]).pattern + r")"),
        role_patterns={name: phrase_pattern(phrases) for name, phrases in data["date_roles"].items()},
        adviser_cue=phrase_pattern(data["adviser_cues"]) if data.get("adviser_cues") else re.compile(r"(?!)"),
        list_cue=phrase_pattern(data["list_cues"]) if data.get("list_cues") else re.compile(r"(?!)"),
    )


def load_question_words(root: Path | None = None) -> QuestionWords:
    """Read, validate and compile ``lexicon/questions.yml`` of a knowledge folder."""
    root = root or knowledge_dir()
    path = root / FILE
    if not path.exists():  # a small fixture folder: the repository's words
        path = Path(__file__).resolve().parents[2] / "knowledge" / FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads((path.parents[1] / SCHEMA).read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return compile_question_words(data)


@lru_cache(maxsize=1)
def default_question_words() -> QuestionWords:
    """The words of the knowledge folder in use (read once)."""
    return load_question_words()
