"""The words of a profile's facts (``knowledge/profile_words.yml``), as matching patterns.

Diplomas, levels, ages, dates and the cue words around them are data: this module reads
the file, checks it against its JSON Schema and the diploma codes of
``knowledge/diplomas.yml``, and turns each phrase into a regular expression over folded
text (:func:`bot.understanding.parse.fold_with_offsets`): whole words, optional separators between
words (« bac pro », « bac-pro », « bacpro »), an optional plural ``s`` or ``x`` on each
word. Like the lexicon, these are language data, read from the repository's
``knowledge/`` folder.
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

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge"
WORDS_FILE = KNOWLEDGE_DIR / "profile_words.yml"
SCHEMA_FILE = KNOWLEDGE_DIR / "schema" / "profile_words.schema.json"

#: Between two words of a phrase: nothing, spaces, apostrophes, hyphens or dots.
_SEPARATOR = r"[\s'.\-]*"
_TOKEN = re.compile(r"[a-z0-9]+|\+")


def phrase_regex(phrase: str) -> str:
    """The regular expression (no anchors) of one phrase over folded text."""
    parts = []
    for token in _TOKEN.findall(phrase):
        if token == "+":
            parts.append(r"\s*\+\s*")
        elif token.isalpha() and len(token) > 1:
            parts.append(re.escape(token) + "[sx]?")
        else:
            parts.append(re.escape(token))
    out = ""
    for index, part in enumerate(parts):
        glue = "" if index == 0 or part.startswith(r"\s*\+") or parts[index - 1].endswith(r"\+\s*") else _SEPARATOR
        out += glue + part
    return out


def phrases_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of ``phrases`` as whole words, longest first."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(phrase_regex(p) for p in ordered) + r")(?![a-z0-9])")


def ending_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """A pattern true when a text *ends* with one of ``phrases`` (spaces allowed after)."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(phrase_regex(p) for p in ordered) + r")[\s'.\-]*$")


def starting_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """A pattern true when a text *starts* with one of ``phrases`` (spaces allowed before)."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"^[\s'.\-]*(?:" + "|".join(phrase_regex(p) for p in ordered) + r")(?![a-z0-9])")


@dataclass(frozen=True)
class DiplomaWords:
    """How people name one diploma, and the contexts where the words mean something else."""

    code: str
    pattern: re.Pattern[str]
    not_after: re.Pattern[str] | None
    not_before: re.Pattern[str] | None


@dataclass(frozen=True)
class ProfileWords:
    """The compiled content of ``knowledge/profile_words.yml``."""

    diplomas: tuple[DiplomaWords, ...]
    levels: tuple[tuple[int, re.Pattern[str]], ...]
    level_number: re.Pattern[str]
    held_cue: re.Pattern[str]
    target_cue_before: re.Pattern[str]
    age: re.Pattern[str]
    age_range: tuple[int, int]
    duration_cue_before: re.Pattern[str]
    duration_object_after: re.Pattern[str]
    months: Mapping[str, int]
    month_date: re.Pattern[str]
    year_date: re.Pattern[str]
    job_cue_before: re.Pattern[str]
    job_cue_inside: re.Pattern[str]
    weak_job_cues: frozenset[str]
    non_job_words: frozenset[str]
    phrase_end_words: frozenset[str]


def _optional(phrases: list[str] | None, build: Any) -> re.Pattern[str] | None:
    return build(phrases) if phrases else None


def compile_words(data: Mapping[str, Any], diploma_codes: Iterable[str] | None = None) -> ProfileWords:
    """Compile the file's content; ``diploma_codes`` (when given) must hold every diploma."""
    if diploma_codes is not None:
        unknown = sorted(set(data["diplomas"]) - set(diploma_codes))
        if unknown:
            raise ValueError(f"profile_words.yml: diplomas not in diplomas.yml: {', '.join(unknown)}")
    diplomas = tuple(
        DiplomaWords(
            code,
            phrases_pattern(entry["words"]),
            _optional(entry.get("not_after"), ending_pattern),
            _optional(entry.get("not_before"), starting_pattern),
        )
        for code, entry in data["diplomas"].items()
    )
    levels = tuple((int(level), phrases_pattern(phrases)) for level, phrases in data["levels"].items())
    numbers = "|".join(str(n) for n in data["level_numbers"])
    level_words = "|".join(phrase_regex(p) for p in data["level_words"])
    months = dict(data["months"])
    month_names = "|".join(sorted(months, key=len, reverse=True))
    age_words = "|".join(phrase_regex(p) for p in data["age_words"])
    year_cues = "|".join(phrase_regex(p) for p in sorted(data["year_cues"], key=len, reverse=True))
    return ProfileWords(
        diplomas=diplomas,
        levels=levels,
        level_number=re.compile(rf"(?<![a-z0-9])(?:{level_words})\.?\s*({numbers})(?![a-z0-9])"),
        held_cue=re.compile(
            r"(?<![a-z0-9])(?:" + "|".join(phrase_regex(p) for p in data["held_cues"]) + r")(?![a-z0-9])"
        ),
        target_cue_before=re.compile(
            r"(?<![a-z0-9])(?:"
            + "|".join(phrase_regex(p) for p in data["target_cues"])
            + r")\s+(?:(?:un|une|le|la|les|des|du|l)(?![a-z0-9])[\s'.\-]*)?$"
        ),
        age=re.compile(rf"(?<![\d,.])(\d{{2}})\s*(?:{age_words})(?![a-z0-9])"),
        age_range=(int(data["age_range"]["min"]), int(data["age_range"]["max"])),
        duration_cue_before=ending_pattern(data["duration_cues"]),
        duration_object_after=starting_pattern(data["duration_objects"]),
        months=months,
        month_date=re.compile(rf"(?<![a-z0-9])(?:(\d{{1,2}})(?:er)?\s+)?({month_names})\s+(\d{{4}})(?!\d)"),
        year_date=re.compile(rf"(?<![a-z0-9])(?:{year_cues})\s+((?:19|20)\d\d)(?![\d/.\-])"),
        job_cue_before=ending_pattern(data["job_cues"]),
        job_cue_inside=phrases_pattern(data["job_cues"]),
        weak_job_cues=frozenset(data["weak_job_cues"]),
        non_job_words=frozenset(data["non_job_words"]),
        phrase_end_words=frozenset(data["phrase_end_words"]),
    )


@lru_cache(maxsize=1)
def profile_words(path: Path = WORDS_FILE) -> ProfileWords:
    """The repository's profile words, validated against their schema and diplomas.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    diplomas = yaml.safe_load((KNOWLEDGE_DIR / "diplomas.yml").read_text(encoding="utf-8"))
    return compile_words(data, [entry["code"] for entry in diplomas["diplomas"]])
