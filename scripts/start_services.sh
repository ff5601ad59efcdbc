#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (tracker store) and Redis (lock store) on 127.0.0.1 for
# the scale-out set-up (docs/operations.md) and its test (tests/e2e/test_scale_out.py).
#
# Usage: scripts/start_services.sh [DIR]
#   DIR  folder for the data, sockets and logs (default: a new folder under $TMPDIR);
#        it is created, and deleted by scripts/stop_services.sh DIR.
# Settings (environment): PROA_PG_PORT (default 55432), PROA_REDIS_PORT (56379),
#   DB_USER / DB_PASSWORD / DB_NAME (proa / proa / proa).
#
# Installs the Debian packages `postgresql` and `redis-server` when they are missing
# (needs root; the packaged services are not started). Idempotent: run again with the
# same DIR, it only prints the settings. Prints shell-sourceable settings on stdout:
#   eval "$(scripts/start_services.sh /tmp/proa-services)"
set -euo pipefail

pg_port="${PROA_PG_PORT:-55432}"
redis_port="${PROA_REDIS_PORT:-56379}"
db_user="${DB_USER:-proa}"
db_password="${DB_PASSWORD:-proa}"
db_name="${DB_NAME:-proa}"

say() { echo "$*" >&2; }
die() { echo "start_services: $*" >&2; exit 1; }

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

install_packages() {
  local missing=()
  pg_bin_dir >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  say "==> installing ${missing[*]} (Debian packages)"
  # Keep the packaged services stopped: this script runs its own instances.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { [ $created_policy -eq 1 ] && rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  fi
  [ $created_policy -eq 1 ] && rm -f "$policy"
  return 0
}

install_packages
pg_bin=$(pg_bin_dir) || die "PostgreSQL (initdb) not found after installation"

dir="${1:-${PROA_SERVICES_DIR:-}}"
if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/proa-services.XXXXXX"); fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
touch "$dir/.proa-services"   # marks the folder as ours for stop_services.sh

# PostgreSQL refuses to run as root: use the `postgres` account then.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "user postgres missing (is the postgresql package installed?)"
  as_pg=(runuser -u postgres --)
  chmod 755 "$dir"
fi
pg_data="$dir/pg"
pg_socket="$dir/pg-socket"

if [ ! -f "$pg_data/PG_VERSION" ]; then
  mkdir -p "$pg_data" "$pg_socket"
  [ ${#as_pg[@]} -gt 0 ] && chown postgres: "$pg_data" "$pg_socket"
  chmod 700 "$pg_data"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
fi
if ! "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_socket -c fsync=off -c max_connections=200" \
    start >/dev/null || { tail -n 20 "$pg_data/server.log" >&2; die "PostgreSQL did not start"; }
fi
psql_pg=("${as_pg[@]}" "$pg_bin/psql" -h "$pg_socket" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${psql_pg[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != "1" ]; then
  "${psql_pg[@]}" -c "CREATE ROLE \"$db_user\" LOGIN PASSWORD '$db_password'" >/dev/null
fi
if [ "$("${psql_pg[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != "1" ]; then
  "${psql_pg[@]}" -c "CREATE DATABASE \"$db_name\" OWNER \"$db_user\"" >/dev/null
fi

redis_pidfile="$dir/redis.pid"
if ! { [ -f "$redis_pidfile" ] && kill -0 "$(cat "$redis_pidfile")" 2>/dev/null; }; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$redis_pidfile" --logfile "$dir/redis.log" --dir "$dir" \
    || die "Redis did not start"
  for _ in $(seq 1 50); do
    if redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; then break; fi
    sleep 0.2
  done
fi
redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG || die "Redis does not answer on port $redis_port"

cat >"$dir/services.env" <<EOT
PROA_SERVICES_DIR=$dir
DB_HOST=127.0.0.1
DB_PORT=$pg_port
DB_USER=$db_user
DB_PASSWORD=$db_password
DB_NAME=$db_name
REDIS_HOST=127.0.0.1
REDIS_PORT=$redis_port
REDIS_PASSWORD=
PROA_POSTGRES_URL=postgresql://$db_user:$db_password@127.0.0.1:$pg_port/$db_name
PROA_REDIS_URL=redis://127.0.0.1:$redis_port/0
EOT
sed 's/^/export /' "$dir/services.env"
say "PostgreSQL : postgresql://$db_user:***@127.0.0.1:$pg_port/$db_name"
say "Redis      : redis://127.0.0.1:$redis_port/0"
say "Arrêt      : scripts/stop_services.sh $dir"
