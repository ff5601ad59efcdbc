#!/usr/bin/env bash
# Static checks, run by scripts/test.sh before the tests (and on their own by developers):
# ruff (lint + format check), mypy (strict on bot/ and tools/, checked on actions/, channels/,
# servers/, stores/, nlu/), pylint's duplicate-code check (R0801) on the Python packages,
# and the layer contracts of docs/DESIGN.md (import-linter, [tool.importlinter] in
# pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(bot actions channels servers stores tools)
[ -d nlu ] && packages+=(nlu)

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"
.venv/bin/mypy "${packages[@]}"
echo "==> pylint duplicate-code (R0801)"
.venv/bin/pylint --disable=all --enable=duplicate-code --score=n "${packages[@]}"
echo "==> import-linter (layer contracts)"
.venv/bin/lint-imports --no-cache --no-logo
