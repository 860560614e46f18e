#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server and TEST_POSTGRES_URL set.
#
#   bash example-service/scripts/with-postgres.sh cargo test --workspace
#
# - installs PostgreSQL from Debian's packages if initdb/pg_ctl are missing;
# - initialises a new cluster in a temporary directory, as the `postgres` user
#   when run as root (PostgreSQL refuses to run as root);
# - starts it on 127.0.0.1 on a free port, with password (SCRAM) auth over TCP;
# - creates a role `example` (LOGIN CREATEDB) and a database `example`;
# - exports TEST_POSTGRES_URL=postgres://example:example@127.0.0.1:PORT/example
#   (the tests create one database per test through it);
# - runs the command, then stops the server and deletes the cluster, whatever
#   happens; exits with the command's status.
set -euo pipefail

log() { printf 'with-postgres: %s\n' "$*" >&2; }

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

# The directory of initdb, pg_ctl and psql: Debian's versioned directory (newest
# first), or wherever initdb on PATH really lives.
find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
      echo "$dir"
      return 0
    fi
  fi
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! PG_BIN="$(find_pg_bin)"; then
  log "initdb/pg_ctl not found: installing PostgreSQL from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN="$(find_pg_bin)" || { log "initdb/pg_ctl still missing after installing postgresql"; exit 1; }
fi
log "using $("$PG_BIN/pg_ctl" --version) from $PG_BIN"

# PostgreSQL will not run as root: run the server as `postgres` then.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { log "running as root but there is no 'postgres' user"; exit 1; }
  pg() { runuser -u postgres -- "$@"; }
  WORK="$(mktemp -d /tmp/with-postgres.XXXXXX)"
  chown postgres: "$WORK"
else
  pg() { "$@"; }
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")"
fi
DATA="$WORK/data"
SERVER_LOG="$WORK/server.log"
STARTED=0

cleanup() {
  local status=$?
  if [ "$STARTED" -eq 1 ]; then
    pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || log "pg_ctl stop failed (server log: $SERVER_LOG)"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
# Until the command runs, a signal just ends the script (and cleanup runs).
trap 'exit 130' INT
trap 'exit 143' TERM

printf '%s\n' postgres > "$WORK/pwfile"
chmod 600 "$WORK/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres: "$WORK/pwfile"
pg "$PG_BIN/initdb" -D "$DATA" -U postgres --pwfile="$WORK/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; log "initdb failed"; exit 1; }

# A free port on loopback: try random ports until one starts.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for _attempt in $(seq 1 20); do
  candidate=$(( 20000 + RANDOM % 30000 ))
  port_in_use "$candidate" && continue
  # Throwaway cluster: durability off for speed; room for parallel test pools.
  if pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $candidate -c unix_socket_directories=$WORK \
          -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    PORT="$candidate"
    STARTED=1
    break
  fi
done
if [ -z "$PORT" ]; then
  cat "$SERVER_LOG" >&2 2>/dev/null || true
  log "could not start PostgreSQL"
  exit 1
fi

pg "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres -d postgres \
  -c "CREATE ROLE example LOGIN CREATEDB PASSWORD 'example'" \
  -c "CREATE DATABASE example OWNER example" >/dev/null

export TEST_POSTGRES_URL="postgres://example:example@127.0.0.1:$PORT/example"
log "PostgreSQL is up: TEST_POSTGRES_URL=$TEST_POSTGRES_URL"

# Run the command in the background (keeping our stdin) so that a SIGINT or
# SIGTERM sent to this script is passed on to it at once, and the cluster is
# still cleaned up afterwards.
set +e
if { : <&0; } 2>/dev/null; then
  "$@" <&0 &
else
  "$@" </dev/null &  # no standard input at all (as in CI)
fi
CHILD=$!
trap 'kill -INT "$CHILD" 2>/dev/null' INT
trap 'kill -TERM "$CHILD" 2>/dev/null' TERM
wait "$CHILD"
status=$?
# `wait` returns early when a signal arrives: wait for the command to finish.
while kill -0 "$CHILD" 2>/dev/null; do
  wait "$CHILD"
  status=$?
done
set -e
log "command exited with status $status; stopping PostgreSQL"
exit "$status"
