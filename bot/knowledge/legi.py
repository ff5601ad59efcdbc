"""The Code du travail snapshot (``knowledge/law/legi_snapshot.json``) and the check of the
rules that quote it.

The snapshot holds the tracked articles of ``@socialgouv/legi-data`` (number, LEGIARTI
id, etat, start and end dates, plain text, nota); it is built and refreshed by the sync
tooling (:mod:`tools.knowledge_sync.legi`, ``bot knowledge refresh``), never here.
:func:`check_citations` checks the Code du travail citations of the knowledge rules
against it (number, id, start date and verbatim quote): ``bot knowledge validate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.knowledge import snapshots
from bot.knowledge.models import Rule
from bot.knowledge.snapshots import normalize_whitespace
from bot.lexicon import read_word_file

#: The npm package the snapshot is built from.
PACKAGE_NAME = "@socialgouv/legi-data"


SNAPSHOT_RELATIVE_PATH = Path("law") / "legi_snapshot.json"


def read_snapshot(path: Path) -> dict[str, Any]:
    """Read a snapshot file; an absent file gives an empty snapshot."""
    return snapshots.read_snapshot(path, {"articles": []})


def articles_by_id(snapshot: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The snapshot's articles in force by LEGIARTI id."""
    return {a["id"]: a for a in snapshot.get("articles") or []}


def past_versions_by_id(snapshot: Mapping[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Past versions of the snapshot's articles by LEGIARTI id: (article, version)."""
    return {v["id"]: (a, v) for a in snapshot.get("articles") or [] for v in a.get("versions") or []}


#: French month names, January first (``knowledge/lexicon/dates.yml``): read in Légifrance
#: notes here, written in the answers' dates by bot.compose.french_format (one list for both).
FRENCH_MONTHS: tuple[str, ...] = tuple(read_word_file("dates")["months"])

_NOTA_IN_FORCE = re.compile(
    "(?:"
    + "|".join(re.escape(phrase) for phrase in read_word_file("dates")["nota_in_force"])
    + r") (\d{1,2})\s*(?:er)?\s+(\w+)\s+(\d{4})"
)


def allowed_starts(article: Mapping[str, Any]) -> set[str]:
    """The dates a rule citing ``article`` may start on: its LEGI ``dateDebut``, or a
    later date its NOTA gives for the entry into force (LEGI dates some articles of the
    loi n° 2025-989 on 26 October 2025 while their NOTA defers them to 1 January 2026)."""
    start = article.get("date_debut")
    starts = {str(start)} if start else set()
    for day, month, year in _NOTA_IN_FORCE.findall(article.get("nota") or ""):
        if month in FRENCH_MONTHS:
            starts.add(date(int(year), FRENCH_MONTHS.index(month) + 1, int(day)).isoformat())
    return starts


def _compact_num(text: str) -> str:
    """« L. 6324-1 » and « L6324-1 » alike."""
    return text.replace(".", "").replace(" ", "").replace("\u00a0", "")


def _names_article(cited: str, num: str) -> bool:
    """True when the rule's article text names ``num`` (L6324-1 is not L6324-10)."""
    return re.search(re.escape(_compact_num(num)) + r"(?![\d-])", _compact_num(cited)) is not None


@dataclass(frozen=True)
class CitationReport:
    """What :func:`check_citations` checked, and the problems found."""

    verbatim: int
    past_versions: int
    problems: tuple[str, ...]


def check_citations(rules: Iterable[Rule], snapshot: Mapping[str, Any]) -> CitationReport:
    """Check the rules that cite a Code du travail article by LEGIARTI id.

    For an article in force: the rule's article must name its number, ``valid_from``
    must be its start date (:func:`allowed_starts`) and the quote must appear verbatim in its text (whitespace
    aside). For a past version (a Pro-A rule): the number must match and the rule must
    end when that version ended; its text is not in legi-data, so the quote (from the
    secondary source) is not checked here. Problems are English, one per string.
    """
    by_id = articles_by_id(snapshot)
    past = past_versions_by_id(snapshot)
    problems: list[str] = []
    verbatim = past_count = 0
    for rule in rules:
        legi_id = rule.source.legi_id
        if not legi_id:
            continue
        if legi_id in past:
            article, version = past[legi_id]
            past_count += 1
            if not _names_article(rule.source.article, article["num"]):
                problems.append(f"{rule.id}: article {rule.source.article!r} is not {article['num']} ({legi_id})")
            ended = version.get("date_fin")
            if rule.valid_until is None or ended is None or rule.valid_until.isoformat() >= ended:
                problems.append(f"{rule.id}: valid_until {rule.valid_until} is not before the end {ended} of {legi_id}")
            continue
        current = by_id.get(legi_id)
        if current is None:
            problems.append(f"{rule.id}: {legi_id} is not in the legi snapshot")
            continue
        article = current
        verbatim += 1
        if not _names_article(rule.source.article, article["num"]):
            problems.append(f"{rule.id}: article {rule.source.article!r} is not {article['num']} ({legi_id})")
        if rule.valid_from is None or rule.valid_from.isoformat() not in allowed_starts(article):
            problems.append(
                f"{rule.id}: valid_from {rule.valid_from} is not a start date of {article['num']} "
                f"({', '.join(sorted(allowed_starts(article)))})"
            )
        if article.get("etat") != "VIGUEUR":
            problems.append(f"{rule.id}: {article['num']} ({legi_id}) is {article.get('etat')}")
        for quote in rule.source.quotes:
            if normalize_whitespace(quote) not in normalize_whitespace(article.get("text") or ""):
                problems.append(f"{rule.id}: quote not found verbatim in {article['num']}: {quote[:60]!r}")
    return CitationReport(verbatim=verbatim, past_versions=past_count, problems=tuple(problems))
