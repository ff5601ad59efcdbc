"""The KALI snapshot of the SDLM (IDCC 1404) Pro-A texts
(``knowledge/idcc1404/kali_snapshot.json``) and the check of what quotes them.

The snapshot holds the tracked texts of ``@socialgouv/kali-data`` (the Pro-A agreement of
18 September 2020 and its avenants n° 1 and n° 7: articles with plain text, footnotes and
modification links); it is built and refreshed by the sync tooling
(:mod:`tools.knowledge_sync.kali`, ``bot knowledge refresh``), never here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.knowledge import snapshots
from bot.knowledge.models import Cited
from bot.knowledge.snapshots import normalize_whitespace

SNAPSHOT_RELATIVE_PATH = Path("idcc1404") / "kali_snapshot.json"


def check_citations(cited: Iterable[Cited], snapshot: dict[str, Any]) -> tuple[int, list[str]]:
    """Check what cites a KALI article (``kali_id``: rules, priority publics, see
    :meth:`~bot.knowledge.models.KnowledgeBase.cited`) against the snapshot: the id
    must be a tracked article and every quote must appear verbatim in its heading and
    text (whitespace aside). Returns (quotes checked, problems in English). Articles
    outside the tracked texts are reported, not guessed."""
    articles = {a["id"]: a for text in (snapshot.get("texts") or {}).values() for a in text.get("articles") or []}
    checked, problems = 0, []
    for item in cited:
        kali_id = item.source.kali_id
        if not kali_id:
            continue
        article = articles.get(kali_id)
        if article is None:
            problems.append(f"{item.id}: {kali_id} is not in the KALI snapshot")
            continue
        searchable = normalize_whitespace(f"{article.get('surtitre') or ''}\n{article.get('text') or ''}")
        for quote in item.source.quotes:
            checked += 1
            if normalize_whitespace(quote) not in searchable:
                problems.append(f"{item.id}: quote not found verbatim in {kali_id}: {quote[:60]!r}")
    return checked, problems


def read_snapshot(path: Path) -> dict[str, Any]:
    """Read a snapshot file; an absent file gives an empty snapshot."""
    return snapshots.read_snapshot(path, {"texts": {}})
