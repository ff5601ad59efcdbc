#!/usr/bin/env bash
# Installs what is needed, trains the model if the data changed, and starts the assistant
# on embedded defaults: action server (5055), Rasa with the REST and socket.io channels
# (5005, conversations in SQLite: proa_trackers.db) and the web chat page (8080).
# Stop with Ctrl-C. Settings (environment): PROA_RASA_PORT, PROA_WEB_PORT,
# PROA_AUTH_TOKEN (protects Rasa's HTTP API), PROA_CORS (widget origin),
# PROA_CREDENTIALS (credentials file, e.g. credentials.advisers.yml for Slack/Teams),
# PROA_ENDPOINTS (endpoints file, e.g. endpoints.scale.yml: see docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/train.sh
if [ -f scripts/build_web.sh ]; then scripts/build_web.sh; fi

rasa_port="${PROA_RASA_PORT:-5005}"
web_port="${PROA_WEB_PORT:-8080}"
cors="${PROA_CORS:-http://localhost:${web_port}}"
credentials="${PROA_CREDENTIALS:-credentials.yml}"
mkdir -p logs

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

.venv/bin/rasa run actions --port 5055 --logging-config-file logging.yml >logs/actions.log 2>&1 &
pids+=($!)

api_args=(--enable-api)
if [ -n "${PROA_AUTH_TOKEN:-}" ]; then api_args+=(--auth-token "$PROA_AUTH_TOKEN"); fi
.venv/bin/rasa run --model models/proa.tar.gz --port "$rasa_port" --credentials "$credentials" \
  --endpoints "${PROA_ENDPOINTS:-endpoints.yml}" --cors "$cors" --logging-config-file logging.yml \
  "${api_args[@]}" >logs/rasa.log 2>&1 &
pids+=($!)

if [ -f web/serve.py ]; then
  PROA_SOCKET_URL="${PROA_SOCKET_URL:-http://localhost:${rasa_port}}" PROA_WEB_PORT="$web_port" \
    .venv/bin/python web/serve.py >logs/web.log 2>&1 &
  pids+=($!)
fi

echo "==> waiting for Rasa to load the model…"
for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:${rasa_port}/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<EOT

L'assistant est prêt.
  - Page de discussion : http://localhost:${web_port}/
  - API REST : curl -s -XPOST http://localhost:${rasa_port}/webhooks/rest/webhook \\
      -H 'Content-Type: application/json' -d '{"sender": "moi", "message": "bonjour"}'
  - Journaux : logs/
Ctrl-C pour arrêter.
EOT
wait -n "${pids[@]}"
