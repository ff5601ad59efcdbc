"""Track the Code du travail articles of the période de reconversion in ``@socialgouv/legi-data``.

The npm package ``@socialgouv/legi-data`` ships each code as one JSON tree
(``data/LEGITEXT….json``: sections and articles with ``num``, ``id`` (LEGIARTI…),
``cid``, ``etat``, ``dateDebut``, ``dateFin`` in milliseconds, ``texte`` and
``texteHtml``). This module:

- downloads a version of the package from the npm registry (through :mod:`tools.knowledge_sync.npm`)
  and extracts only the Code du travail;
- extracts the tracked articles (:data:`TRACKED_ARTICLES`) into a normalized snapshot
  (number, LEGIARTI id, etat, start and end dates, plain text, nota);
- compares two snapshots article by article (by number) and prints what was added,
  modified (new LEGIARTI id or text) or abrogated;
- refreshes ``knowledge/law/legi_snapshot.json``;
- checks the Code du travail citations of the knowledge rules against the snapshot
  (:func:`check_citations`: number, id, start date and verbatim quote).

Command line (offline with ``--from-dir``)::

    python -m tools.knowledge_sync.legi refresh [--write] [--check] [--cache DIR] [--from-dir DIR]
                                         [--version VERSION] [--knowledge DIR]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from bot.knowledge.legi import (
    PACKAGE_NAME,
    SNAPSHOT_RELATIVE_PATH,
    read_snapshot,
)
from bot.knowledge.snapshots import normalize_whitespace
from tools.knowledge_sync import npm, sync
from tools.knowledge_sync.npm import (
    ChangeKind,
    NpmDataError,
    html_to_text,
    word_delta,
)
from tools.knowledge_sync.sync import TrackedPackage

SNAPSHOT_FORMAT = 1
#: The Code du travail in LEGI.
CODE_ID = "LEGITEXT000006072050"

#: Articles tracked in the snapshot: the période de reconversion (L6324-1 to L6324-11,
#: R6324-1 to R6324-5), its funding (L6332-14-1, D6332-89 to D6332-91) and the CDI
#: intérimaire (L1251-58-1), with the qualifications L6324-1 refers to (L6314-1).
TRACKED_ARTICLES: tuple[str, ...] = (
    "L1251-58-1",
    "L6314-1",
    *(f"L6324-{n}" for n in range(1, 12)),
    "L6332-14-1",
    *(f"R6324-{n}" for n in range(1, 6)),
    "D6332-89",
    "D6332-90",
    "D6332-91",
)


#: LEGI ``etat`` values meaning that an article no longer applies.
ENDED_ETATS = frozenset({"ABROGE", "ABROGE_DIFF", "PERIME", "ANNULE", "TRANSFERE"})
#: LEGI uses 1 January 2999 for "no end date".
OPEN_END = date(2999, 1, 1)


class LegiError(NpmDataError):
    """Raised when the LEGI data cannot be fetched or read."""


# --------------------------------------------------------------------------- fetching


def fetch_latest(cache_dir: Path, version: str | None = None) -> Path:
    """Fetch ``@socialgouv/legi-data`` (latest, or ``version``) into ``cache_dir`` and
    extract the Code du travail; returns the extracted ``data`` directory."""
    try:
        return npm.fetch_package(PACKAGE_NAME, cache_dir, version, [f"{CODE_ID}.json"])
    except NpmDataError as exc:
        raise LegiError(str(exc)) from exc


def load_code(data_dir: Path) -> dict[str, Any]:
    """Load the JSON tree of the Code du travail from a legi-data ``data`` directory."""
    try:
        return npm.load_json(Path(data_dir) / f"{CODE_ID}.json", "a legi-data 'data' directory")
    except NpmDataError as exc:
        raise LegiError(str(exc)) from exc


# --------------------------------------------------------------------------- extraction


def legi_date(milliseconds: Any) -> str | None:
    """ISO date of a LEGI timestamp (milliseconds since 1970, UTC); None for none or
    for the open end (2999-01-01)."""
    if not isinstance(milliseconds, (int, float)):
        return None
    day = datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc).date()
    return None if day >= OPEN_END else day.isoformat()


def _normalize_article(data: Mapping[str, Any], section_path: list[str]) -> dict[str, Any]:
    """The snapshot entry of one LEGI article node's ``data``."""
    # The HTML keeps paragraphs and has no stray space where a link was (« l'article »).
    text = html_to_text(data.get("texteHtml")) or normalize_whitespace(data.get("texte") or "")
    return {
        "num": data.get("num"),
        "id": data.get("id"),
        "cid": data.get("cid"),
        "etat": data.get("etat"),
        "date_debut": legi_date(data.get("dateDebut")),
        "date_fin": legi_date(data.get("dateFin")),
        "section_path": section_path,
        "text": text,
        "nota": normalize_whitespace(data.get("nota") or "") or None,
        # Past versions: ids and dates only (legi-data has no text for them), so that a
        # rule of the Pro-A can link the version in force until 31 December 2025.
        "versions": [
            {
                "id": v.get("id"),
                "etat": v.get("etat"),
                "date_debut": legi_date(v.get("dateDebut")),
                "date_fin": legi_date(v.get("dateFin")),
            }
            for v in data.get("articleVersions") or []
            if v.get("id") != data.get("id")
        ],
    }


def extract_articles(code_json: Mapping[str, Any], nums: Sequence[str] = TRACKED_ARTICLES) -> dict[str, Any]:
    """The tracked articles of a LEGI code tree, in the order of ``nums``.

    Returns ``{"code_id", "code_title", "code_date", "articles", "missing"}``; an
    article number found more than once keeps its version in force (``VIGUEUR``).
    """
    wanted = set(nums)
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Mapping[str, Any], path: list[str]) -> None:
        data = node.get("data") or {}
        if node.get("type") == "article":
            num = data.get("num")
            if num in wanted and (num not in found or data.get("etat") == "VIGUEUR"):
                found[num] = _normalize_article(data, path)
            return
        title = normalize_whitespace(data.get("title") or "")
        for child in node.get("children") or []:
            walk(child, [*path, title] if node is not code_json else path)

    walk(code_json, [])
    root = code_json.get("data") or {}
    return {
        "code_id": root.get("id"),
        "code_title": root.get("title"),
        "code_date": root.get("dateModif"),
        "articles": [found[num] for num in nums if num in found],
        "missing": [num for num in nums if num not in found],
    }


def build_snapshot(
    code_json: Mapping[str, Any], version: str, nums: Sequence[str] = TRACKED_ARTICLES
) -> dict[str, Any]:
    """The snapshot file content for ``code_json`` (legi-data ``version``)."""
    extracted = extract_articles(code_json, nums)
    missing = extracted.pop("missing")
    return {
        "format": SNAPSHOT_FORMAT,
        "package": PACKAGE_NAME,
        "version": version,
        "generated_by": "bot knowledge refresh --write",
        **extracted,
        "missing_articles": missing,
    }


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class LegiChange:
    """One difference between two snapshots for one article number.

    ``kind`` is ``added``, ``modified`` (new LEGIARTI id, text or etat) or ``abrogated``
    (ended etat, a real end date, or no longer in the code).
    """

    kind: ChangeKind
    num: str
    old_id: str | None
    new_id: str | None
    etat: str | None
    date_debut: str | None
    description: str


def _is_ended(article: Mapping[str, Any]) -> bool:
    return article.get("etat") in ENDED_ETATS or bool(article.get("date_fin"))


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[LegiChange]:
    """Compare two snapshots made by :func:`build_snapshot`, article by article number."""
    before = {a["num"]: a for a in (old or {}).get("articles") or []}
    after = {a["num"]: a for a in (new or {}).get("articles") or []}
    changes: list[LegiChange] = []
    for num, article in after.items():
        previous = before.get(num)
        if previous is None:
            changes.append(
                LegiChange(
                    ChangeKind.ADDED,
                    num,
                    None,
                    article["id"],
                    article.get("etat"),
                    article.get("date_debut"),
                    "new tracked article",
                )
            )
            continue
        if _is_ended(article) and not _is_ended(previous):
            detail = f"etat {previous.get('etat')} -> {article.get('etat')}"
            if article.get("date_fin"):
                detail += f", date_fin {article['date_fin']}"
            changes.append(
                LegiChange(
                    ChangeKind.ABROGATED,
                    num,
                    previous["id"],
                    article["id"],
                    article.get("etat"),
                    article.get("date_debut"),
                    detail,
                )
            )
            continue
        parts = []
        if previous.get("id") != article.get("id"):
            parts.append(f"id {previous.get('id')} -> {article.get('id')}")
        if previous.get("etat") != article.get("etat"):
            parts.append(f"etat {previous.get('etat')} -> {article.get('etat')}")
        if previous.get("date_debut") != article.get("date_debut"):
            parts.append(f"date_debut {previous.get('date_debut')} -> {article.get('date_debut')}")
        if normalize_whitespace(previous.get("text") or "") != normalize_whitespace(article.get("text") or ""):
            parts.append("text " + word_delta(previous.get("text") or "", article.get("text") or ""))
        if parts:
            changes.append(
                LegiChange(
                    ChangeKind.MODIFIED,
                    num,
                    previous["id"],
                    article["id"],
                    article.get("etat"),
                    article.get("date_debut"),
                    "; ".join(parts),
                )
            )
    for num, previous in before.items():
        if num not in after:
            changes.append(
                LegiChange(ChangeKind.ABROGATED, num, previous["id"], None, None, None, "no longer in the code")
            )
    return changes


def format_changes(changes: Iterable[LegiChange]) -> str:
    """One line per change, for developers (English, numbers, ids and dates)."""
    lines = []
    for change in changes:
        ids = change.new_id or change.old_id or ""
        if change.old_id and change.new_id and change.old_id != change.new_id:
            ids = f"{change.old_id} -> {change.new_id}"
        since = f", in force {change.date_debut}" if change.date_debut else ""
        lines.append(
            f"{change.kind.upper():<9} {change.num} (id {ids}, etat {change.etat}{since}): {change.description}"
        )
    return "\n".join(lines) if lines else "No change in the tracked Code du travail articles."


# --------------------------------------------------------------------------- citations


# --------------------------------------------------------------------------- refresh


def _missing_articles(snapshot: dict[str, Any]) -> list[str]:
    return [f"tracked article {num} not found in {CODE_ID}" for num in snapshot.get("missing_articles") or []]


#: The Code du travail snapshot, for :mod:`tools.knowledge_sync.sync`.
TRACKED = TrackedPackage[LegiChange](
    package=PACKAGE_NAME,
    snapshot_path=SNAPSHOT_RELATIVE_PATH,
    fetch=fetch_latest,
    build=lambda data_dir, version: build_snapshot(load_code(data_dir), version),
    read=read_snapshot,
    diff=diff_snapshots,
    format=format_changes,
    count=lambda snapshot: (len(snapshot["articles"]), "tracked article(s)"),
    missing=_missing_articles,
    review="knowledge/law/periode_reconversion.yml (legi_id, valid_from and quotes of the rules whose articles changed)",
)


def refresh(
    root: Path,
    cache_dir: Path,
    write: bool,
    *,
    from_dir: Path | None = None,
    version: str | None = None,
    stream: TextIO | None = None,
) -> list[LegiChange]:
    """Compare the latest legi-data with ``<root>/law/legi_snapshot.json`` (``root``: a
    knowledge folder), print the changes and return them; with ``write``, rewrite the
    snapshot (see :func:`tools.knowledge_sync.sync.refresh`)."""
    return sync.refresh(TRACKED, root, cache_dir, write, from_dir=from_dir, version=version, stream=stream)


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.knowledge_sync.legi refresh [options]``: 0 on success, 1 with
    ``--check`` when changes were found, 2 on error."""
    return sync.main(
        TRACKED,
        argv,
        prog="python -m tools.knowledge_sync.legi",
        description="Track the Code du travail articles of the période de reconversion in legi-data.",
    )


if __name__ == "__main__":
    sys.exit(main())
