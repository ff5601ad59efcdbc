#!/usr/bin/env bash
# Installs what is needed, trains the model if the data changed, and starts the assistant
# on embedded defaults: action server (5055), Rasa with the REST and socket.io channels
# (5005, conversations in SQLite: proa_trackers.db) and the web chat page (8080).
# Stop with Ctrl-C. Settings (environment): PROA_RASA_PORT, PROA_WEB_PORT,
# PROA_HOST (address the three servers listen on: 127.0.0.1 unless set, e.g. 0.0.0.0
# behind a firewall; put nginx in front instead: deploy/nginx-proa.conf, docs/operations.md),
# PROA_AUTH_TOKEN or PROA_JWT_SECRET (turn Rasa's HTTP API on, protected; without
# either the API is off: only the channel webhooks answer), PROA_CORS (widget origin),
# PROA_CREDENTIALS (credentials file, e.g. credentials.advisers.yml for Slack/Teams),
# PROA_ENDPOINTS (endpoints file, e.g. endpoints.scale.yml: see docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# Conversations (SQLite) and logs readable by this user only.
umask 077

host="${PROA_HOST:-127.0.0.1}"
rasa_port="${PROA_RASA_PORT:-5005}"
web_port="${PROA_WEB_PORT:-8080}"
cors="${PROA_CORS:-http://localhost:${web_port}}"
credentials="${PROA_CREDENTIALS:-credentials.yml}"

# Rasa's HTTP API (read any conversation, replace the model…) only with a token or a JWT.
api_args=()
if [ -n "${PROA_AUTH_TOKEN:-}" ]; then api_args+=(--enable-api --auth-token "$PROA_AUTH_TOKEN"); fi
if [ -n "${PROA_JWT_SECRET:-}" ]; then
  if [ ${#api_args[@]} -eq 0 ]; then api_args+=(--enable-api); fi
  api_args+=(--jwt-secret "$PROA_JWT_SECRET" --jwt-method "${PROA_JWT_METHOD:-HS256}")
fi
actions_cmd=(env SANIC_HOST="$host" .venv/bin/rasa run actions --port 5055 --logging-config-file logging.yml)
rasa_cmd=(.venv/bin/rasa run --model models/proa.tar.gz --interface "$host" --port "$rasa_port"
  --credentials "$credentials" --endpoints "${PROA_ENDPOINTS:-endpoints.yml}" --cors "$cors"
  --logging-config-file logging.yml ${api_args[@]+"${api_args[@]}"})
web_cmd=(env PROA_WEB_HOST="$host" PROA_WEB_PORT="$web_port"
  PROA_SOCKET_URL="${PROA_SOCKET_URL:-http://localhost:${rasa_port}}" .venv/bin/python web/serve.py)

if [ "${PROA_RUN_DRY:-}" = 1 ]; then
  # Print the commands (one per line) without starting anything: tests/channels/test_run_defaults.py.
  printf '%s\n' "${actions_cmd[*]}" "${rasa_cmd[*]}" "${web_cmd[*]}"
  exit 0
fi

scripts/setup.sh
scripts/train.sh
if [ -f scripts/build_web.sh ]; then scripts/build_web.sh; fi

mkdir -p logs
# Files left by earlier runs under a wider umask.
chmod 600 logs/*.log proa_trackers.db* 2>/dev/null || true

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"${actions_cmd[@]}" >logs/actions.log 2>&1 &
pids+=($!)

"${rasa_cmd[@]}" >logs/rasa.log 2>&1 &
pids+=($!)

if [ -f web/serve.py ]; then
  "${web_cmd[@]}" >logs/web.log 2>&1 &
  pids+=($!)
fi

echo "==> waiting for Rasa to load the model…"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${rasa_port}/" >/dev/null 2>&1; then break; fi
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
