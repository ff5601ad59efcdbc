"""Where a branch's task descriptions are and how they are read (``tasks.yml``).

``knowledge/idcc<idcc>/tasks.yml`` lists, for each annex métier, its usual tasks, tools
and machines, materials, products and workplaces as people say them; it is validated
against ``knowledge/schema/tasks.schema.json``. Kept apart from the scorer
(:mod:`bot.understanding.tasks`) so that tests and tools read the files without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: The lists of one métier's entry, in the order they are indexed.
FIELDS = ("tasks", "tools", "materials", "products", "workplaces")
FILE_NAME = "tasks.yml"
SCHEMA = "tasks.schema.json"


def read_tasks(path: Path, root: Path) -> dict[str, dict[str, Any]]:
    """The entries of one ``tasks.yml`` (validated against its schema)."""
    from bot.knowledge.loader import validate

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(data, SCHEMA, path, root)
    return dict(data["metiers"])


def tasks_path(idcc: int, root: Path | None = None) -> Path:
    """``knowledge/idcc<idcc>/tasks.yml``."""
    from bot.knowledge.loader import knowledge_dir

    return (root or knowledge_dir()) / f"idcc{idcc}" / FILE_NAME
