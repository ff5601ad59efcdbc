"""Refresh the snapshot of a tracked SocialGouv data package: the steps and the command line
shared by :mod:`tools.knowledge_sync.kali` (agreements) and :mod:`tools.knowledge_sync.legi` (Code du
travail).

Each module describes its package with a :class:`TrackedPackage` (how to fetch it, build
a snapshot, diff and print two snapshots); :func:`refresh` compares the latest data with
the committed snapshot, prints the changes and optionally writes the new snapshot;
:func:`main` is their ``python -m … refresh`` command line. ``bot knowledge refresh``
(:mod:`bot.cli`) calls the modules' ``refresh`` functions directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TextIO, TypeVar

from bot.knowledge.loader import knowledge_dir
from tools.knowledge_sync.npm import DEFAULT_CACHE_DIR, NpmDataError, read_package_version, write_snapshot

#: The change type of a package (``kali.Change``, ``legi.LegiChange``).
C = TypeVar("C")

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class TrackedPackage(Generic[C]):
    """What :func:`refresh` needs to know of one tracked package."""

    #: npm name, e.g. ``@socialgouv/kali-data``.
    package: str
    #: The snapshot file, relative to a knowledge folder.
    snapshot_path: Path
    #: (npm cache folder, version or None for the latest) → the unpacked ``data`` folder.
    fetch: Callable[[Path, str | None], Path]
    #: (``data`` folder, package version) → the new snapshot.
    build: Callable[[Path, str], Snapshot]
    #: Snapshot file → its content (an absent file gives an empty snapshot).
    read: Callable[[Path], Snapshot]
    #: (old snapshot, new snapshot) → the changes.
    diff: Callable[[Snapshot, Snapshot], Sequence[C]]
    #: Changes → their lines for developers.
    format: Callable[[Sequence[C]], str]
    #: New snapshot → (number of tracked items, what they are, e.g. "tracked text(s)").
    count: Callable[[Snapshot], tuple[int, str]]
    #: New snapshot → one warning per tracked item not found in the data.
    missing: Callable[[Snapshot], list[str]]
    #: What to review by hand after a change (file and fields).
    review: str


def refresh(
    tracked: TrackedPackage[C],
    root: Path,
    cache_dir: Path,
    write: bool,
    *,
    from_dir: Path | None = None,
    version: str | None = None,
    stream: TextIO | None = None,
) -> list[C]:
    """Compare the latest data of ``tracked`` with its snapshot in the knowledge folder
    ``root``; print the changes to ``stream`` (stdout by default) and return them.

    The data is downloaded from the npm registry into ``cache_dir``, or read from the unpacked ``data``
    folder ``from_dir``. ``version`` pins the npm version, or labels ``from_dir`` data
    when no ``package.json`` is next to it. With ``write``, the snapshot is rewritten.
    Raises :class:`~bot.knowledge.npm.NpmDataError` (or a subclass) on failure.
    """
    out = stream if stream is not None else sys.stdout
    if from_dir is not None:
        data_dir = Path(from_dir)
        package_version = version or read_package_version(data_dir)
    else:
        data_dir = tracked.fetch(Path(cache_dir), version)
        package_version = read_package_version(data_dir)
    new_snapshot = tracked.build(data_dir, package_version)
    snapshot_path = Path(root) / tracked.snapshot_path
    old_snapshot = tracked.read(snapshot_path)
    changes = list(tracked.diff(old_snapshot, new_snapshot))
    count, what = tracked.count(new_snapshot)
    print(
        f"{tracked.package} {old_snapshot.get('version', 'none')} (snapshot) -> {package_version} ({data_dir}): "
        f"{len(changes)} change(s) in {count} {what}",
        file=out,
    )
    for warning in tracked.missing(new_snapshot):
        print(f"WARNING   {warning}", file=out)
    print(tracked.format(changes), file=out)
    if write:
        write_snapshot(snapshot_path, new_snapshot)
        print(f"Snapshot written: {snapshot_path}", file=out)
    elif changes:
        print(f"Run with --write to update the snapshot, then review {tracked.review}.", file=out)
    return changes


def main(tracked: TrackedPackage[Any], argv: Sequence[str] | None, *, prog: str, description: str) -> int:
    """``python -m <prog> refresh [options]``: 0 on success, 1 with ``--check`` when
    changes were found, 2 on error."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("refresh", help=f"diff the latest {tracked.package} with the committed snapshot")
    cmd.add_argument("--write", action="store_true", help=f"update knowledge/{tracked.snapshot_path}")
    cmd.add_argument("--check", action="store_true", help="exit with status 1 when there are changes")
    cmd.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE_DIR, help=f"npm tarball cache (default: {DEFAULT_CACHE_DIR})"
    )
    cmd.add_argument("--from-dir", type=Path, default=None, help="an already unpacked 'data' directory (offline)")
    cmd.add_argument("--version", default=None, help="package version to fetch (or label of --from-dir data)")
    cmd.add_argument(
        "--knowledge",
        type=Path,
        default=None,
        help="knowledge directory (default: PROA_KNOWLEDGE_DIR or the repository's knowledge/)",
    )
    args = parser.parse_args(argv)
    try:
        changes = refresh(
            tracked,
            args.knowledge or knowledge_dir(),
            args.cache,
            args.write,
            from_dir=args.from_dir,
            version=args.version,
        )
    except NpmDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if (args.check and changes) else 0
