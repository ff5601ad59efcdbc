"""docs/DESIGN.md's picture of the path of a message stays true: every file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DESIGN = REPO / "docs" / "DESIGN.md"


def picture_paths() -> list[str]:
    """The repository paths named in the section « The path of a message »."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## The path of a message", 1)[1].split("\n## ", 1)[0]
    return sorted(set(re.findall(r"\b(?:[\w.-]+/)+[\w.-]+\.(?:py|ts|yml)\b|\b(?:[\w-]+/)+(?=[\s,)])", section)))


def test_the_design_starts_with_the_path_of_a_message() -> None:
    first_heading = re.findall(r"^## .+$", DESIGN.read_text(encoding="utf-8"), flags=re.M)[0]
    assert first_heading == "## The path of a message"


def test_every_file_of_the_picture_exists() -> None:
    paths = picture_paths()
    assert {"channels/guarded.py", "actions/answering.py", "bot/rules.py", "bot/compose/builder.py"} <= set(paths)
    assert any(p.startswith("bot/render/") for p in paths) and "actions/rendering.py" in paths
    missing = [p for p in paths if not (REPO / p).exists()]
    assert not missing, f"docs/DESIGN.md names files that do not exist: {missing}"
