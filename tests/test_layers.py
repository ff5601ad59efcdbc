"""The layering of docs/DESIGN.md holds: the core never depends on Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = ("rasa", "rasa_sdk", "sanic", "actions", "channels", "stores")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((REPO / "bot").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_core_module_imports_no_rasa_nor_adapters(path: Path) -> None:
    offending = sorted(name for name in _imported_modules(path) if name.split(".")[0] in FORBIDDEN_IN_CORE)
    assert not offending, f"{path.relative_to(REPO)} imports {offending}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from rasa_sdk import Action\nimport os\n", encoding="utf-8")
    assert "rasa_sdk" in _imported_modules(sample)
