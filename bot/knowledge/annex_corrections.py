"""The hand corrections of the annex (``knowledge/idcc2378/annex_corrections.yml``):
row-specific fixes of the seed (shifted columns, wrapped cells), keyed by seed line.

Part of the annex parser (:mod:`bot.knowledge.annex_parser`, which re-exports every
name): this module reads and checks the file; the parser applies the corrections and
checks that they only move text between columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.annex_cells import LABEL_FIELDS, AnnexParseError

CORRECTION_KEYS: frozenset[str] = frozenset(LABEL_FIELDS) | {"reason", "merged_into"}


@dataclass(frozen=True)
class Correction:
    """A hand correction for one seed line.

    Either ``fields`` gives the label values of the row written on that line (a field
    left out is inherited from the row above), or ``merged_into`` names the line whose
    certification this line's text continues (wrapped cell).
    """

    line: int
    reason: str
    fields: Mapping[str, str]
    merged_into: int | None = None


# ---------------------------------------------------------------------------
# Corrections
# ---------------------------------------------------------------------------


def parse_corrections(data: object) -> dict[int, Correction]:
    """Validate the loaded YAML of the corrections file and index it by seed line."""
    if not isinstance(data, dict) or not isinstance(data.get("corrections"), dict):
        raise AnnexParseError("corrections file: expected a mapping with a 'corrections' mapping")
    result: dict[int, Correction] = {}
    for key, entry in data["corrections"].items():
        if not isinstance(key, int) or key < 1:
            raise AnnexParseError(f"corrections file: key {key!r} is not a seed line number")
        if not isinstance(entry, dict):
            raise AnnexParseError(f"correction {key}: expected a mapping")
        unknown = set(entry) - CORRECTION_KEYS
        if unknown:
            raise AnnexParseError(f"correction {key}: unknown keys {sorted(unknown)}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise AnnexParseError(f"correction {key}: a non-empty 'reason' is required")
        fields: dict[str, str] = {}
        for name in LABEL_FIELDS:
            if name in entry:
                value = entry[name]
                if not isinstance(value, str) or not value.strip():
                    raise AnnexParseError(f"correction {key}: {name} must be a non-empty string")
                fields[name] = " ".join(value.split())
        merged_into = entry.get("merged_into")
        if merged_into is not None:
            if not isinstance(merged_into, int) or fields:
                raise AnnexParseError(f"correction {key}: 'merged_into' takes a line number and no label fields")
        elif not fields:
            raise AnnexParseError(f"correction {key}: give label fields or 'merged_into'")
        result[key] = Correction(line=key, reason=" ".join(reason.split()), fields=fields, merged_into=merged_into)
    return result


def load_corrections(path: Path) -> dict[int, Correction]:
    """Load and validate ``annex_corrections.yml``."""
    with path.open(encoding="utf-8") as handle:
        return parse_corrections(yaml.safe_load(handle))
