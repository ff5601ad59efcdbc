#!/usr/bin/env bash
# Build the chat widget: web/ -> web/dist/ (npm ci, npm run gen-types, npm run gen-wording,
# npm run build).
# Idempotent: skips npm ci when node_modules matches package-lock.json, and the build
# when web/dist is newer than every source. Use --force to rebuild anyway.
set -euo pipefail

WEB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)"
cd "$WEB_DIR"

force=0
if [[ "${1:-}" == "--force" ]]; then
    force=1
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "build_web: npm is not installed (Node.js 18+ is needed)" >&2
    exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
installed_lock="node_modules/.package-lock.json"
if [[ $force -eq 1 || ! -f "$installed_lock" || package-lock.json -nt "$installed_lock" ]]; then
    echo "build_web: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi

# The wire type of the structured answer, from its JSON Schema (docs/answer.schema.json ->
# src/generated/answer.ts, rewritten only when it changes; under CI a stale file fails).
npm run --silent gen-types
# The widget's sentences, from the wording catalogue (knowledge/wording/widget.yml and the
# sentences it borrows, web/wording-source.mjs -> src/generated/wording.ts, the same way;
# the build fills the page's text, src/index.html, from them too).
npm run --silent gen-wording

stamp="dist/.build-stamp"
if [[ $force -eq 0 && -f "$stamp" && -f dist/index.html ]]; then
    newer="$(find src build.mjs gen-types.mjs generated-file.mjs gen-wording.mjs wording-source.mjs ../docs/answer.schema.json ../knowledge/wording/widget.yml ../knowledge/wording/responses.yml ../knowledge/wording/answers.yml package.json package-lock.json tsconfig.json -newer "$stamp" -print -quit)"
    if [[ -z "$newer" ]]; then
        echo "build_web: web/dist is up to date"
        exit 0
    fi
fi

echo "build_web: npm run build"
npm run --silent build
