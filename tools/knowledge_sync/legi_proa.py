"""The Code du travail of the Pro-A, verbatim, from a pinned historic release of
``@socialgouv/legi-data``.

The Pro-A (« reconversion ou promotion par alternance ») was replaced by the période de
reconversion on 1 January 2026 (loi n° 2025-989, article 11). The current legi-data
(:mod:`bot.knowledge.legi`, ``knowledge/law/legi_snapshot.json``) holds only the ids and
dates of the Pro-A versions of L6324-1 and the following articles, not their text. The
release :data:`PROA_VERSION` (May 2023) still has them in force, in full. This module:

- downloads that release from the npm registry and checks the tarball against the pinned npm
  integrity (:data:`PROA_INTEGRITY`) before reading it;
- extracts :data:`PROA_ARTICLES` with :func:`tools.knowledge_sync.legi.extract_articles` into
  ``knowledge/law/legi_proa_snapshot.json`` (the format of ``legi_snapshot.json``);
- checks, article by article, that the version of that release is the one in force on
  :data:`PROA_LAST_DAY` (31 December 2025), by its LEGIARTI id in the version history of
  the current snapshot (and of the current code for articles it does not track), and
  writes the result in the snapshot's header (``check``);
- checks the quotes of the Pro-A rules (source ``code-du-travail-proa``) against that
  snapshot (:func:`check_citations`): number, LEGIARTI id, end date, verbatim quote.

The release never changes: the snapshot is verified (rebuilt and compared), never
refreshed to a newer version. Command line::

    python -m tools.knowledge_sync.legi_proa verify [--cache DIR] [--from-dir DIR] [--reference-from-dir DIR]
    python -m tools.knowledge_sync.legi_proa build --write [same options]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.knowledge import legi as legi_snapshot
from bot.knowledge.legi import PACKAGE_NAME, allowed_starts
from bot.knowledge.legi_proa import (
    PROA_LAST_DAY,
    PROA_VERSION,
    SNAPSHOT_RELATIVE_PATH,
    CheckResult,
    read_snapshot,
)
from tools.knowledge_sync import legi, npm
from tools.knowledge_sync.legi import CODE_ID, LegiError
from tools.knowledge_sync.npm import NpmDataError

#: npm's ``dist.integrity`` of that release's tarball (``npm view @socialgouv/legi-data@2.263.0 dist``).
PROA_INTEGRITY = "sha512-OLBgmez+uqu9PpkQ+b78x8an7fkh83m68lmsiFkD0ljHuWAblDTJQRsmL1Uu/PGwrSwufSpxe7G2bGRMsQp17g=="

#: The Pro-A (L6324-1 to L6324-10, D6324-1, D6324-1-1, D6324-2) and what its rules draw
#: on: the CDI intérimaire (L1251-58-1, L1251-58-2), the durations and the tutoring of the
#: contrat de professionnalisation the Pro-A followed (L6325-11 to L6325-15 by D6324-1,
#: D6325-6 to D6325-10 by D6324-2) and its funding (L6332-14, D6332-89 to D6332-91).
PROA_ARTICLES: tuple[str, ...] = (
    "L1251-58-1",
    "L1251-58-2",
    *(f"L6324-{n}" for n in range(1, 11)),
    *(f"L6325-{n}" for n in range(11, 16)),
    "L6332-14",
    "D6324-1",
    "D6324-1-1",
    "D6324-2",
    *(f"D6325-{n}" for n in range(6, 11)),
    "D6332-89",
    "D6332-90",
    "D6332-91",
)


#: What the version check cannot say by itself, written with its result (English).
PROA_NOTES: dict[str, str] = {
    "D6324-1-1": (
        "abrogated by the current release, so its end date cannot be read there; its version of 18 March 2020 is "
        "the last one this release knows, and says the grade de licence like the secondary source "
        "(knowledge/law/source/legal-context-2026.md) and the SDLM agreement (idcc1404.ceiling)"
    ),
    "L6332-14": (
        "amended on 29 December 2023 and 16 February 2025: no Pro-A rule quotes it (bot knowledge validate "
        "refuses it); the Pro-A funding is quoted from L6324-5 and D6332-89 to D6332-91, unchanged"
    ),
}


# --------------------------------------------------------------------------- fetching


def integrity_of(path: Path) -> str:
    """The npm ``integrity`` string (sha512, base64) of a file."""
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def fetch_pinned(cache_dir: Path) -> Path:
    """Fetch the pinned release into ``cache_dir`` (downloaded, checked against
    :data:`PROA_INTEGRITY`, unless its tarball is already there), check its integrity, extract the Code du travail; returns the ``data``
    directory. Raises :class:`~tools.knowledge_sync.legi.LegiError` on a wrong tarball."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / npm.tarball_name(PACKAGE_NAME, PROA_VERSION)
    try:
        if not tarball.is_file():
            tarball, _ = npm.download_tarball(PACKAGE_NAME, cache_dir, PROA_VERSION, integrity=PROA_INTEGRITY)
        found = integrity_of(tarball)
        if found != PROA_INTEGRITY:
            raise LegiError(
                f"{tarball} is not {PACKAGE_NAME}@{PROA_VERSION}: integrity {found}, pinned {PROA_INTEGRITY}"
            )
        return npm.fetch_package(PACKAGE_NAME, cache_dir, PROA_VERSION, [f"{CODE_ID}.json"])
    except LegiError:
        raise
    except NpmDataError as exc:
        raise LegiError(str(exc)) from exc


# --------------------------------------------------------------------------- version check


def _timeline(article: Mapping[str, Any]) -> list[dict[str, Any]]:
    """All the versions of one snapshot article (past ones, then the article itself)."""
    current = {k: article.get(k) for k in ("id", "etat", "date_debut", "date_fin")}
    return [*(article.get("versions") or []), current]


def _in_force_on(versions: Iterable[Mapping[str, Any]], day: str) -> Mapping[str, Any] | None:
    """The version whose LEGI dates cover ``day`` (ISO), or None."""
    for version in versions:
        start, end = version.get("date_debut"), version.get("date_fin")
        if start and start <= day and (end is None or day < end):
            return version
    return None


def reference_from_code(code_json: Mapping[str, Any], version: str, ids: Iterable[str]) -> dict[str, Any]:
    """A snapshot-like reference from a (current) code tree: every article whose id, or one
    of whose past versions' ids, is in ``ids`` (found by id, so a renumbered article too)."""
    wanted = set(ids)
    articles = []
    for node in npm.iter_nodes(dict(code_json)):
        if node.get("type") != "article":
            continue
        data = node.get("data") or {}
        known = {data.get("id")} | {v.get("id") for v in data.get("articleVersions") or []}
        if known & wanted:
            articles.append(legi._normalize_article(data, []))
    return {"package": PACKAGE_NAME, "version": version, "articles": articles}


def check_versions(
    articles: Sequence[Mapping[str, Any]],
    references: Sequence[tuple[str, Mapping[str, Any]]],
    day: date = PROA_LAST_DAY,
) -> list[dict[str, Any]]:
    """For each article of the pinned release, the version in force on ``day`` according
    to the first reference (label, snapshot) that knows its id; see :class:`CheckResult`.

    Each entry: num, id, result, reference, reference_num (its number there),
    in_force_on_last_day (id), ends (the end LEGI gives to the release's version) and a
    note when there is something to say (:data:`PROA_NOTES` included)."""
    iso = day.isoformat()
    results = []
    for article in articles:
        entry: dict[str, Any] = {
            "num": article["num"],
            "id": article["id"],
            "result": CheckResult.NOT_IN_REFERENCE,
            "reference": None,
            "reference_num": None,
            "in_force_on_last_day": None,
            "ends": None,
        }
        notes: list[str] = []
        for label, reference in references:
            owner = next(
                (a for a in reference.get("articles") or [] if article["id"] in {v["id"] for v in _timeline(a)}),
                None,
            )
            if owner is None:
                continue
            timeline = _timeline(owner)
            mine = next(v for v in timeline if v["id"] == article["id"])
            in_force = _in_force_on(timeline, iso)
            entry.update(
                reference=label,
                reference_num=owner["num"],
                in_force_on_last_day=in_force["id"] if in_force else None,
                ends=mine.get("date_fin"),
            )
            if in_force is not None and in_force["id"] == article["id"]:
                entry["result"] = CheckResult.SAME
            elif (
                in_force is not None
                and in_force["id"] == owner["id"]
                and max(allowed_starts(owner)) > iso
                and mine.get("date_fin") == owner.get("date_debut")
            ):
                entry["result"] = CheckResult.SAME_BY_NOTA
                entry["in_force_on_last_day"] = article["id"]
                notes.append(
                    f"LEGI ends {article['id']} on {mine.get('date_fin')}, but the NOTA of the next version "
                    f"{owner['id']} puts its entry into force on {max(allowed_starts(owner))}"
                )
            else:
                entry["result"] = CheckResult.DIFFERS
                notes.append(
                    f"{article['id']} was in force until {mine.get('date_fin')}; on {iso} the version in force was "
                    f"{in_force['id'] if in_force else 'none'}, whose text is not in this release"
                )
            if owner["num"] != article["num"]:
                notes.append(f"renumbered {owner['num']}")
            break
        else:
            notes.append("its id is in no reference (the current legi-data keeps only the articles in force)")
        if article["num"] in PROA_NOTES:
            notes.append(PROA_NOTES[article["num"]])
        if notes:
            entry["note"] = "; ".join(notes)
        results.append(entry)
    return results


# --------------------------------------------------------------------------- snapshot


def build_proa_snapshot(
    code_json: Mapping[str, Any],
    version: str,
    references: Sequence[tuple[str, Mapping[str, Any]]],
    nums: Sequence[str] = PROA_ARTICLES,
) -> dict[str, Any]:
    """The Pro-A snapshot: :func:`tools.knowledge_sync.legi.build_snapshot` of the pinned release,
    with the pin and the version check (:func:`check_versions`) in its header."""
    snapshot = legi.build_snapshot(code_json, version, nums)
    checks = check_versions(snapshot["articles"], references)
    counts: dict[str, list[str]] = {}
    for entry in checks:
        counts.setdefault(entry["result"], []).append(entry["num"])
    header = {
        "format": snapshot["format"],
        "package": snapshot["package"],
        "version": snapshot["version"],
        "pinned": True,
        "integrity": PROA_INTEGRITY,
        "generated_by": "python -m tools.knowledge_sync.legi_proa build --write (pinned release: verified, never refreshed)",
        "purpose": (
            "The Code du travail of the Pro-A, verbatim, as in force until "
            f"{PROA_LAST_DAY.isoformat()}: the text of the rules of knowledge/law/proa.yml."
        ),
        "in_force_until": PROA_LAST_DAY.isoformat(),
        "check": {
            "question": (
                f"Is the version of each article in legi-data {version} (its LEGIARTI id) the version in force on "
                f"{PROA_LAST_DAY.isoformat()}, by the version history of the current legi-data?"
            ),
            "method": (
                "The LEGIARTI id of the article in this release is looked up in the version history (past "
                "versions and the version in force) of the first reference holding it, whatever its number "
                "there; the version in force on the day is the one whose LEGI dates cover it, or the one "
                "before when LEGI starts the next one earlier but its NOTA defers it past the day ('same (NOTA)')."
            ),
            "references": [label for label, _ in references],
            "summary": {result: nums_ for result, nums_ in counts.items()},
            "articles": checks,
        },
    }
    body = {k: v for k, v in snapshot.items() if k not in header}
    return {**header, **body}


def build_from(
    root: Path,
    cache_dir: Path,
    *,
    from_dir: Path | None = None,
    reference_from_dir: Path | None = None,
) -> dict[str, Any]:
    """Rebuild the Pro-A snapshot: the pinned release (fetched and checked, or the unpacked
    ``from_dir``) against ``<root>/law/legi_snapshot.json`` and the current code of its
    legi-data version (fetched, or ``reference_from_dir``) for the articles it does not track."""
    data_dir = Path(from_dir) if from_dir is not None else fetch_pinned(cache_dir)
    found_version = npm.read_package_version(data_dir)
    if found_version not in (PROA_VERSION, "unknown"):
        raise LegiError(f"{data_dir} holds {PACKAGE_NAME} {found_version}, not the pinned {PROA_VERSION}")
    code = legi.load_code(data_dir)
    current = legi_snapshot.read_snapshot(Path(root) / legi_snapshot.SNAPSHOT_RELATIVE_PATH)
    current_version = current.get("version")
    references: list[tuple[str, Mapping[str, Any]]] = [
        (f"knowledge/law/legi_snapshot.json (legi-data {current_version})", current)
    ]
    if current_version:
        ref_dir = (
            Path(reference_from_dir)
            if reference_from_dir is not None
            else legi.fetch_latest(cache_dir, current_version)
        )
        ids = [a["id"] for a in legi.extract_articles(code, PROA_ARTICLES)["articles"]]
        references.append(
            (
                f"legi-data {current_version}, data/{CODE_ID}.json (articles legi_snapshot.json does not track)",
                reference_from_code(legi.load_code(ref_dir), str(current_version), ids),
            )
        )
    return build_proa_snapshot(code, PROA_VERSION, references)


def compare(committed: Mapping[str, Any], rebuilt: Mapping[str, Any]) -> list[str]:
    """What differs between the committed snapshot and a rebuilt one (English lines)."""
    lines = []
    for key in sorted(set(committed) | set(rebuilt)):
        if key == "articles":
            continue
        if committed.get(key) != rebuilt.get(key):
            lines.append(f"header '{key}' differs")
    old = {a["num"]: a for a in committed.get("articles") or []}
    new = {a["num"]: a for a in rebuilt.get("articles") or []}
    for num in sorted(set(old) | set(new)):
        if old.get(num) != new.get(num):
            lines.append(f"article {num} differs")
    return lines


# --------------------------------------------------------------------------- citations


# --------------------------------------------------------------------------- command line


@dataclass(frozen=True)
class VerifyResult:
    """The pinned snapshot rebuilt and compared with the committed one."""

    differences: tuple[str, ...]
    written: bool


def verify(
    root: Path,
    cache_dir: Path,
    *,
    write: bool = False,
    from_dir: Path | None = None,
    reference_from_dir: Path | None = None,
    stream: TextIO | None = None,
) -> VerifyResult:
    """Rebuild ``<root>/law/legi_proa_snapshot.json`` from the pinned release and compare;
    with ``write``, write it (the first time, or after changing this module's extraction)."""
    out = stream if stream is not None else sys.stdout
    path = Path(root) / SNAPSHOT_RELATIVE_PATH
    rebuilt = build_from(root, cache_dir, from_dir=from_dir, reference_from_dir=reference_from_dir)
    committed = read_snapshot(path)
    differences = compare(committed, rebuilt)
    summary = ", ".join(f"{k}: {' '.join(v)}" for k, v in rebuilt["check"]["summary"].items())
    print(
        f"{PACKAGE_NAME} {PROA_VERSION} (pinned, integrity checked): {len(rebuilt['articles'])} Pro-A article(s); "
        f"version in force on {PROA_LAST_DAY.isoformat()}: {summary}",
        file=out,
    )
    if differences:
        print("\n".join(f"DIFFERS   {line}" for line in differences), file=out)
    else:
        print(f"{path}: unchanged", file=out)
    if write and differences:
        npm.write_snapshot(path, rebuilt)
        print(f"Snapshot written: {path}", file=out)
    return VerifyResult(tuple(differences), write and bool(differences))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tools.knowledge_sync.legi_proa verify|build``: 0 when the committed snapshot is
    the pinned release's (or was written), 1 when it differs, 2 on error."""
    from bot.knowledge.loader import knowledge_dir

    parser = argparse.ArgumentParser(
        prog="python -m tools.knowledge_sync.legi_proa",
        description=f"The Pro-A Code du travail from the pinned {PACKAGE_NAME} {PROA_VERSION}.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("verify", "rebuild and compare, never write"), ("build", "rebuild; --write writes")):
        cmd = sub.add_parser(name, help=text)
        if name == "build":
            cmd.add_argument("--write", action="store_true", help=f"write knowledge/{SNAPSHOT_RELATIVE_PATH}")
        cmd.add_argument("--cache", type=Path, default=npm.DEFAULT_CACHE_DIR, help="npm pack cache")
        cmd.add_argument("--from-dir", type=Path, default=None, help=f"unpacked data/ of {PROA_VERSION} (offline)")
        cmd.add_argument(
            "--reference-from-dir", type=Path, default=None, help="unpacked data/ of the current legi-data (offline)"
        )
        cmd.add_argument("--knowledge", type=Path, default=None, help="knowledge directory")
    args = parser.parse_args(argv)
    try:
        result = verify(
            args.knowledge or knowledge_dir(),
            args.cache,
            write=getattr(args, "write", False),
            from_dir=args.from_dir,
            reference_from_dir=args.reference_from_dir,
        )
    except NpmDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0 if result.written or not result.differences else 1


if __name__ == "__main__":
    sys.exit(main())
