"""The Code du travail of the Pro-A, verbatim, from a pinned historic release of
``@socialgouv/legi-data`` (``knowledge/law/legi_proa_snapshot.json``), and the check of
the Pro-A rules that quote it.

The Pro-A (« reconversion ou promotion par alternance ») was replaced by the période de
reconversion on 1 January 2026 (loi n° 2025-989, article 11). The current legi-data
(:mod:`bot.knowledge.legi`) holds only the ids and dates of the Pro-A versions of L6324-1
and the following articles, not their text. The release :data:`PROA_VERSION` (May 2023)
still has them in force, in full. The snapshot is built and verified (rebuilt and
compared, never refreshed to a newer version) by :mod:`tools.knowledge_sync.legi_proa`;
its header records, article by article, whether the version of that release is the one
in force on :data:`PROA_LAST_DAY` (:class:`CheckResult`). :func:`check_citations`
checks the quotes of the Pro-A rules (source ``code-du-travail-proa``) against it:
number, LEGIARTI id, end date, verbatim quote (``bot knowledge validate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.knowledge import legi
from bot.knowledge.legi import PACKAGE_NAME
from bot.knowledge.models import Rule
from bot.knowledge.snapshots import normalize_whitespace

#: The pinned release: the last one on the registry before the reform (dateModif of the
#: Code du travail: 26 May 2023) holding the Pro-A articles in force.
PROA_VERSION = "2.263.0"


#: The last day of the Pro-A: its rules end then (``valid_until``).
PROA_LAST_DAY = date(2025, 12, 31)


#: The knowledge document of the Pro-A rules checked against this snapshot (sources.yml).
PROA_DOCUMENT = "code-du-travail-proa"


SNAPSHOT_RELATIVE_PATH = Path("law") / "legi_proa_snapshot.json"


class CheckResult:
    """What the version check found for one article (values written in the header)."""

    #: The LEGIARTI id of the pinned release is the version in force on PROA_LAST_DAY.
    SAME = "same"
    #: LEGI ends that version earlier (26 October 2025), but the version that follows
    #: enters into force after PROA_LAST_DAY by its NOTA: it applied until then.
    SAME_BY_NOTA = "same (NOTA)"
    #: Another version was in force on PROA_LAST_DAY: the text may have changed.
    DIFFERS = "differs"
    #: The id is in no reference (the current legi-data keeps only articles in force).
    NOT_IN_REFERENCE = "not in reference"


#: Results under which a rule may quote the article until PROA_LAST_DAY.
QUOTABLE = frozenset({CheckResult.SAME, CheckResult.SAME_BY_NOTA, CheckResult.NOT_IN_REFERENCE})


def read_snapshot(path: Path) -> dict[str, Any]:
    """Read the Pro-A snapshot (an absent file gives an empty one)."""
    return legi.read_snapshot(path)


def is_proa_rule(rule: Rule) -> bool:
    """A rule quoting the Pro-A Code du travail (checked here, not against the 2026 snapshot)."""
    return rule.source.document.id == PROA_DOCUMENT


def check_citations(rules: Iterable[Rule], snapshot: Mapping[str, Any]) -> legi.CitationReport:
    """Check the Pro-A rules (:func:`is_proa_rule`) against the Pro-A snapshot.

    Each must give the LEGIARTI id of an article of the snapshot, name its number, end on
    the snapshot's ``in_force_until`` (and not start before the article), cite an article
    whose version check allows it (:data:`QUOTABLE`) and quote it verbatim (whitespace
    aside). Problems are English, one per string.
    """
    by_id = legi.articles_by_id(snapshot)
    checks = {c["id"]: c for c in (snapshot.get("check") or {}).get("articles") or []}
    last_day = snapshot.get("in_force_until")
    problems: list[str] = []
    verbatim = 0
    for rule in rules:
        if not is_proa_rule(rule):
            continue
        legi_id = rule.source.legi_id
        if not legi_id:
            problems.append(f"{rule.id}: a Pro-A rule of the Code du travail gives no legi_id")
            continue
        article = by_id.get(legi_id)
        if article is None:
            problems.append(f"{rule.id}: {legi_id} is not in the Pro-A snapshot (legi-data {snapshot.get('version')})")
            continue
        verbatim += 1
        num = article["num"]
        if not legi._names_article(rule.source.article, num):
            problems.append(f"{rule.id}: article {rule.source.article!r} is not {num} ({legi_id})")
        if rule.valid_until is None or rule.valid_until.isoformat() != last_day:
            problems.append(f"{rule.id}: valid_until {rule.valid_until} is not {last_day}, the end of the Pro-A")
        if rule.valid_from is not None and rule.valid_from.isoformat() < (article.get("date_debut") or ""):
            problems.append(f"{rule.id}: valid_from {rule.valid_from} is before {num} came into force")
        result = (checks.get(legi_id) or {}).get("result")
        if result not in QUOTABLE:
            problems.append(
                f"{rule.id}: {num} ({legi_id}) is not the version in force on {last_day} ({result}): "
                f"{(checks.get(legi_id) or {}).get('note', 'no version check')}"
            )
        for quote in rule.source.quotes:
            if normalize_whitespace(quote) not in normalize_whitespace(article.get("text") or ""):
                problems.append(
                    f"{rule.id}: quote not found verbatim in {num} ({PACKAGE_NAME} {snapshot.get('version')}): {quote[:60]!r}"
                )
    return legi.CitationReport(verbatim=verbatim, past_versions=0, problems=tuple(problems))
