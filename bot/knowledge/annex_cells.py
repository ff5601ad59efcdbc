"""The cells of the annex table in the seed: the generic extraction noise they carry and
how it is cleaned, the RNCP code cells and the slugs of métier ids.

Part of the annex parser (:mod:`bot.knowledge.annex_parser`, which re-exports every
name): the rules that hold for any cell, apart from the hand corrections
(:mod:`bot.knowledge.annex_corrections`) and the walk through the table. The French
words of a code cell (its levels) are data, read once from ``lexicon/annex_seed.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lexicon import read_word_file
from bot.text import fold_accents

LABEL_FIELDS: tuple[str, ...] = ("sector", "sub_sector", "metier", "certification")
#: How a code cell writes a level (« niveau 3 », « sans niveau »), from ``lexicon/annex_seed.yml``.
LEVELS: tuple[str, ...] = tuple(read_word_file("annex_seed")["levels"])
_LEVEL = "|".join(re.escape(level) for level in LEVELS)
# Column of the code cell in the standard layout (0-based).
CODE_COLUMN: int = len(LABEL_FIELDS)

RNCP_MENTION_RE = re.compile(r"RNCP ?[0-9]+")
METIER_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*){2}$")

_DOCUSIGN_LINE_RE = re.compile(r"^(?:\^\{DS\}|(?:[A-Z]{2})?DS|[A-Z]{2})$")
_DOCUSIGN_INLINE_RE = re.compile(r"\^\{DS\}")
_SUPERSCRIPT_RE = re.compile(r"\s*\^\{([^{}]*)\}")
_RNCP_SPACE_RE = re.compile(r"\bRNCP\s+(?=[0-9])")
_CODE_RE = re.compile(rf"RNCP\s?([0-9]+)\s*\(({_LEVEL})\)")
_CODE_CELL_RE = re.compile(rf"^(?:RNCP\s?[0-9]+\s*\((?:{_LEVEL})\)\s*)+$")
_SLASH_RE = re.compile(r"\s*/\s*")


class AnnexParseError(ValueError):
    """The seed or the corrections file do not fit the expected annex layout."""


@dataclass(frozen=True)
class SeedLine:
    """A non-noise line of the annex table, split into cleaned cells."""

    number: int
    cells: tuple[str, ...]

    @property
    def code_index(self) -> int | None:
        """Index of the cell holding the RNCP code(s), or None if the line has none."""
        found = [i for i, cell in enumerate(self.cells) if is_code_cell(cell)]
        if len(found) > 1:
            raise AnnexParseError(f"line {self.number}: several code cells")
        return found[0] if found else None

    @property
    def label_cells(self) -> list[str]:
        """The non-empty cells other than the code cell, in order."""
        code_index = self.code_index
        return [c for i, c in enumerate(self.cells) if c and i != code_index]


# ---------------------------------------------------------------------------
# Noise-handling helpers
# ---------------------------------------------------------------------------


def is_docusign_noise(line: str) -> bool:
    """Tell whether a seed line is part of a DocuSign initials block.

    Such lines have no tab and hold only ``DS``, ``^{DS}``, two capital initials
    (``AW``) or initials glued to ``DS`` (``AWDS``).
    """
    if "\t" in line:
        return False
    return bool(_DOCUSIGN_LINE_RE.match(line.strip()))


def normalize_rncp(text: str) -> str:
    """Remove the space between ``RNCP`` and its digits (``RNCP 4433`` -> ``RNCP4433``)."""
    return _RNCP_SPACE_RE.sub("RNCP", text)


def clean_cell(text: str) -> str:
    """Clean one table cell: drop ``^{DS}``, join superscripts, collapse whitespace.

    ``1 ^{er} degré`` becomes ``1er degré``; ``RNCP 4433`` becomes ``RNCP4433``.
    """
    text = _DOCUSIGN_INLINE_RE.sub(" ", text)
    text = _SUPERSCRIPT_RE.sub(r"\1", text)
    text = normalize_rncp(text)
    return " ".join(text.split())


def normalize_group_label(label: str) -> str:
    """Normalize a sector or sub-sector label: one space each side of ``/``."""
    return _SLASH_RE.sub(" / ", " ".join(label.split())).strip()


def is_code_cell(cell: str) -> bool:
    """Tell whether a cell holds only RNCP codes with their level in parentheses."""
    return bool(_CODE_CELL_RE.match(cell.strip()))


def parse_codes(cell: str) -> list[tuple[str, str]]:
    """Parse a code cell into ``(rncp, level)`` pairs.

    ``"RNCP1901 (niveau 5) RNCP17989 (niveau 5)"`` gives two pairs; the code loses any
    inner space. Raises ``ValueError`` if the cell holds anything else.
    """
    if not is_code_cell(cell):
        raise ValueError(f"not a code cell: {cell!r}")
    return [(f"RNCP{digits}", level) for digits, level in _CODE_RE.findall(cell)]


def slugify(text: str) -> str:
    """ASCII lower-case slug with ``-`` separators (accents folded by
    :func:`bot.text.fold_accents`, the one folding function).

    ``Chef d'équipe gros œuvre`` -> ``chef-d-equipe-gros-oeuvre``.
    """
    return re.sub(r"[^a-z0-9]+", "-", fold_accents(text).lower()).strip("-")


def make_metier_id(sector: str, sub_sector: str, metier: str) -> str:
    """Build the stable ``<sector>/<sub_sector>/<metier>`` slug of an annex métier."""
    return "/".join(slugify(part) for part in (sector, sub_sector, metier))


def count_rncp_mentions(text: str) -> int:
    """Count RNCP code mentions (``RNCP`` + optional space + digits) in a text."""
    return len(RNCP_MENTION_RE.findall(text))
