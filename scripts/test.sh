#!/usr/bin/env bash
# Installs what is needed and runs every test: static checks, knowledge checks, unit tests, Rasa data
# validation, NLU and conversation tests (with their quality gates), and the end-to-end
# tests against the real assistant (REST, web widget in headless Chromium, persistence,
# two instances on PostgreSQL + Redis). Exit code non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false

scripts/setup.sh test
if [ -f scripts/install_browser.sh ]; then scripts/install_browser.sh; fi
if [ -f scripts/install_nginx.sh ]; then scripts/install_nginx.sh; fi
if [ -f scripts/build_web.sh ]; then scripts/build_web.sh; fi

echo "==> static checks (ruff, mypy, pylint duplicate-code)"
scripts/lint.sh

echo "==> knowledge"
.venv/bin/bot knowledge validate
.venv/bin/python -m bot.knowledge.annex_parser --check

echo "==> Rasa data"
.venv/bin/rasa data validate --quiet
scripts/train.sh

echo "==> NLU on the held-out set and test conversations"
rm -rf results
.venv/bin/rasa test nlu --nlu tests/nlu/test_nlu.yml --model models/proa.tar.gz --out results --quiet
.venv/bin/rasa test core --stories tests/test_stories.yml --model models/proa.tar.gz --out results --fail-on-prediction-errors --quiet
.venv/bin/python scripts/check_nlu_report.py --results results

echo "==> pytest (unit, actions, channels, end-to-end)"
mkdir -p test-output
.venv/bin/python -m pytest -q -p no:cacheprovider
