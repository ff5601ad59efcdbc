#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned stack (constraints.txt).
# Idempotent: does nothing when pyproject.toml and constraints.txt did not change.
# Usage: scripts/setup.sh [test]   ("test" also installs the test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in python3.10 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv shims print "command not found" unless a 3.10 version is selected.
  if command -v pyenv >/dev/null 2>&1; then
    local version
    version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | tail -n 1 || true)
    if [ -n "$version" ]; then echo "$(pyenv root)/versions/$version/bin/python3.10"; return 0; fi
  fi
  return 1
}

extras="${1:-}"
stamp_source=$(cat pyproject.toml constraints.txt; echo "extras=$extras")
stamp=".venv/.installed-$(printf '%s' "$stamp_source" | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  python=$(find_python) || { echo "Python 3.10 est introuvable (python3.10). Installez-le puis relancez." >&2; exit 1; }
  echo "==> virtual environment with $python"
  "$python" -m venv .venv
fi
echo "==> installing the pinned dependencies (about 2 minutes the first time)"
.venv/bin/python -m pip install --quiet --upgrade pip
target="."
if [ "$extras" = "test" ]; then target=".[test]"; fi
.venv/bin/python -m pip install --quiet -c constraints.txt -e "$target"
rm -f .venv/.installed-*
touch "$stamp"
