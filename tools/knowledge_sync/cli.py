"""``bot knowledge refresh``: KALI and/or the Code du travail, or the verification of the
pinned Pro-A release. :mod:`bot.cli` parses the command line and calls :func:`refresh`
(the one import from the runtime package into the tooling)."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.knowledge import legi_proa as proa_snapshot
from bot.knowledge.loader import knowledge_dir
from bot.knowledge.snapshots import SnapshotError
from tools.knowledge_sync import kali, legi, legi_proa


def refresh(
    package: str,
    cache_dir: Path,
    write: bool,
    *,
    knowledge: Path | None = None,
    kali_from_dir: Path | None = None,
    legi_from_dir: Path | None = None,
) -> int:
    """Run the refresh functions of :mod:`.kali` and :mod:`.legi` (``package`` ``all``,
    ``kali`` or ``legi``), or verify the Pro-A snapshot (``proa``). Both packages are
    compared even if the first fails; the worst status wins (0 no error, 2 error)."""
    root = knowledge or knowledge_dir()
    status = 0
    if package in ("all", "kali"):
        try:
            kali.refresh(root, cache_dir, write, from_dir=kali_from_dir)
        except SnapshotError as error:
            print(f"Erreur (KALI) : {error}", file=sys.stderr)
            status = 2
    if package in ("all", "legi"):
        try:
            legi.refresh(root, cache_dir, write, from_dir=legi_from_dir)
        except SnapshotError as error:
            print(f"Erreur (Code du travail) : {error}", file=sys.stderr)
            status = 2
    if package == "proa":
        try:
            if legi_proa.verify(root, cache_dir).differences:
                print(
                    f"Erreur (Code du travail, Pro-A) : {proa_snapshot.SNAPSHOT_RELATIVE_PATH} n'est plus celui de "
                    f"legi-data {proa_snapshot.PROA_VERSION} (python -m tools.knowledge_sync.legi_proa build --write le refait)",
                    file=sys.stderr,
                )
                status = 2
        except SnapshotError as error:
            print(f"Erreur (Code du travail, Pro-A) : {error}", file=sys.stderr)
            status = 2
    return status
