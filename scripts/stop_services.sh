#!/usr/bin/env bash
# Stops the PostgreSQL and Redis started by scripts/start_services.sh and deletes their
# folder (all the data in it).
# Usage: scripts/stop_services.sh DIR   (or PROA_SERVICES_DIR=DIR scripts/stop_services.sh)
#        add --keep to stop the services but keep the folder.
set -euo pipefail

keep=0
dir=""
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    *) dir="$arg" ;;
  esac
done
dir="${dir:-${PROA_SERVICES_DIR:-}}"
[ -n "$dir" ] || { echo "usage: scripts/stop_services.sh DIR [--keep]" >&2; exit 2; }
[ -d "$dir" ] || exit 0
[ -f "$dir/.proa-services" ] || { echo "stop_services: $dir was not made by start_services.sh" >&2; exit 2; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] || pg_bin=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

if [ -f "$dir/pg/postmaster.pid" ] && [ -x "$pg_bin/pg_ctl" ]; then
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w -t 30 stop >/dev/null 2>&1 || true
fi

if [ -f "$dir/redis.pid" ]; then
  pid=$(cat "$dir/redis.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
fi

if [ $keep -eq 0 ]; then rm -rf "$dir"; fi
