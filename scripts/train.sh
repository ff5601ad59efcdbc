#!/usr/bin/env bash
# Builds the core's index cache when missing, and trains models/proa.tar.gz when the
# training data, domain or config changed since the last training (a hash of them is
# kept beside the model).
set -euo pipefail
cd "$(dirname "$0")/.."

# The core's index (matchers, lemma tables, word-vector neighbours), keyed by the
# knowledge files' hash: built here, at install, so that neither `rasa run` nor `bot ask`
# loads spaCy's vocabulary to build it (bot/index_cache.py).
.venv/bin/python -m bot.index_cache --if-missing

fingerprint=$(cat config.yml domain.yml $(find data -type f -name '*.yml' | sort) | sha256sum | cut -c1-16)
if [ -f models/proa.tar.gz ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fingerprint" ]; then
  exit 0
fi
echo "==> training the Rasa model (about 2 minutes on 2 cores)"
mkdir -p models
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name proa --out models --quiet
echo "$fingerprint" > models/.fingerprint
echo "==> trained in $(( $(date +%s) - start )) s"
