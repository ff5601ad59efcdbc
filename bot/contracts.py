"""The contract or status a message names, from ``knowledge/contracts.yml``.

Phrases are compared as normalised words (:func:`bot.text.normalize`: case, accents,
apostrophes and hyphens ignored), longest first, never inside a word. The first contract
of the file (most specific first) that the message names wins; a contract may also be
named by two others together (``combines``: « CUI … en CDI » → ``cui_cdi``) or by
itself plus the name of a temp agency (``with_agency``: « CDI chez Adecco » → CDI
intérimaire). Words that only designate the worker an adviser talks about
(``designations``: « mon intérimaire », « une de nos intérimaires ») name no contract:
a contract phrase lying wholly inside one of them does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge.loader import knowledge_dir, validate
from bot.text import normalize, normalize_char

FILE_NAME = "contracts.yml"
SCHEMA = "contracts.schema.json"


@dataclass(frozen=True)
class Contract:
    """One contract code, its French label and what people type for it."""

    code: str
    label: str
    typed: tuple[str, ...]
    combines: tuple[str, ...] = ()
    with_agency: str | None = None


@dataclass(frozen=True)
class ContractHit:
    """A contract named in a message: its code and the character span of the words."""

    code: str
    start: int
    end: int


class ContractVocabulary:
    """Finds the contract a message names (built once from the knowledge file)."""

    def __init__(
        self, contracts: Sequence[Contract], agencies: Sequence[str], designations: Sequence[str] = ()
    ) -> None:
        self.contracts = tuple(contracts)
        self.labels: dict[str, str] = {c.code: c.label for c in contracts}
        phrases: list[tuple[str, str]] = []
        for contract in contracts:
            for typed in contract.typed:
                words = normalize(typed)
                if words:
                    phrases.append((words, contract.code))
        phrases.sort(key=lambda p: (-len(p[0]), p[0]))
        self._code_of: dict[str, str] = {}
        for words, code in phrases:
            self._code_of.setdefault(words, code)
        self._phrase_re = _words_pattern([w for w, _ in phrases])
        self._agency_re = _words_pattern([normalize(a) for a in agencies if normalize(a)])
        self._designation_re = _words_pattern([normalize(d) for d in designations if normalize(d)])

    def find(self, text: str) -> ContractHit | None:
        """The contract ``text`` names, or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        normalised, offsets = _normalise_with_offsets(text)
        # « mon intérimaire » designates the person, it does not say « contrat de mission »
        designated = [(d.start(), d.end()) for d in self._designation_re.finditer(normalised)]
        hits: dict[str, tuple[int, int]] = {}
        for found in self._phrase_re.finditer(normalised):
            if any(start <= found.start() and found.end() <= end for start, end in designated):
                continue
            code = self._code_of[found.group(0)]
            hits.setdefault(code, (found.start(), found.end()))
        if not hits:
            return None
        agency = self._agency_re.search(normalised) is not None
        for contract in self.contracts:
            if contract.code in hits:
                span = hits[contract.code]
            elif contract.combines and all(c in hits for c in contract.combines):
                parts = [hits[c] for c in contract.combines]
                span = (min(p[0] for p in parts), max(p[1] for p in parts))
            else:
                continue
            code = contract.with_agency if contract.with_agency and agency else contract.code
            return ContractHit(code, offsets[span[0]], offsets[span[1] - 1] + 1)
        return None

    def mask(self, text: str) -> str:
        """``text`` with every contract phrase and agency name blanked out (same length,
        so that character offsets still point into ``text``): what is left may name a job."""
        if not isinstance(text, str) or not text:
            return ""
        normalised, offsets = _normalise_with_offsets(text)
        chars = list(text)
        for pattern in (self._phrase_re, self._agency_re):
            for found in pattern.finditer(normalised):
                for index in range(offsets[found.start()], offsets[found.end() - 1] + 1):
                    chars[index] = " "
        return "".join(chars)

    def code(self, text: str) -> str | None:
        """The code of the contract ``text`` names, or None."""
        hit = self.find(text)
        return hit.code if hit else None


def _words_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """Regex of normalised phrases as whole words, longest first (never matches if empty)."""
    if not phrases:
        return re.compile(r"(?!x)x")
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![a-z0-9])")


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize``-like text, one space between words, and for each of its characters
    the offset of the character of ``text`` it comes from."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = normalize_char(char)
        if folded:
            out.append(folded)
            offsets.extend([index] * len(folded))
        elif out and out[-1] != " " and not _is_combining(char):
            out.append(" ")
            offsets.append(index)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def _is_combining(char: str) -> bool:
    import unicodedata

    return unicodedata.combining(char) > 0


def load_contracts(root: Path | None = None) -> ContractVocabulary:
    """Read and validate ``knowledge/contracts.yml``."""
    root = root or knowledge_dir()
    path = root / FILE_NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(data, SCHEMA, path, root)
    contracts = [
        Contract(
            code=item["code"],
            label=item["label"],
            typed=tuple(item.get("typed", ())),
            combines=tuple(item.get("combines", ())),
            with_agency=item.get("with_agency"),
        )
        for item in data["contracts"]
    ]
    return ContractVocabulary(contracts, data.get("temp_agencies", ()), data.get("designations", ()))


@lru_cache(maxsize=1)
def default_contracts() -> ContractVocabulary:
    """The repository's contract vocabulary (read once)."""
    return load_contracts()
