#!/usr/bin/env bash
# A throwaway PostgreSQL cluster made from this machine's own binaries, kept in a folder of the project.
#
#   deploy/local-postgres.sh start DIR [--fast] [--until-exit PID]
#       create (first time) and start; prints the connection string
#   deploy/local-postgres.sh stop DIR
#       stop it (the data stays)
#
# It listens on 127.0.0.1 only, on the port it used last time if that is still free, else on a free one,
# so it never fights a system PostgreSQL for 5432. --fast turns durability off, for test runs only.
# --until-exit PID stops the cluster and deletes DIR once process PID has ended, however it ended.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR [--fast] [--until-exit PID]" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1
dir=$(realpath -m "$2")
shift 2
fast=""
owner_pid=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=yes; shift ;;
    --until-exit) owner_pid=$2; shift 2 ;;
    *) usage ;;
  esac
done
database=actors

bin_dir() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
  else
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] || { echo "PostgreSQL binaries not found: install them (apt-get install -y postgresql)." >&2; exit 1; }
    echo "$found"
  fi
}
bin=$(bin_dir)

# initdb and the server refuse to run as root: then they run as the postgres account.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

source "$(dirname "$0")/ports.sh"

# Where the server's own files live: DIR itself, unless the postgres account cannot reach it (a private
# parent folder, e.g. a clone under a 0700 temporary folder); then a folder of its own in the temp area.
server_dir() {
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    echo "${TMPDIR:-/tmp}/actors-postgres-$(echo "$dir" | md5sum | cut -c1-16)"
  else
    echo "$dir"
  fi
}

running() { [ -f "$pg/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; }

start() {
  mkdir -p "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir"
  pg=$(server_dir)
  if [ "$pg" != "$dir" ]; then
    mkdir -p "$pg"
    chown postgres "$pg"
  fi

  if [ ! -s "$pg/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C --no-instructions >"$pg/initdb.log" 2>&1 \
      || { cat "$pg/initdb.log" >&2; exit 1; }
  fi

  if ! running; then
    local port options
    port=$(free_port "$(cat "$dir/port" 2>/dev/null || true)")
    options="-k $pg -p $port -c listen_addresses=127.0.0.1"
    if [ -n "$fast" ]; then
      # The test suite runs many clusters' hosts at once, each with its own connection pools.
      options="$options -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    else
      options="$options -c max_connections=200"
    fi
    as_owner "$bin/pg_ctl" -D "$pg/data" -l "$pg/data/server.log" -o "$options" -w -t 60 start >/dev/null \
      || { tail -n 20 "$pg/data/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
  fi

  local port
  port=$(cat "$dir/port")
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
  fi
  if [ -n "$owner_pid" ]; then
    # Detached, with no inherited output, so the caller is not left waiting on it.
    setsid bash -c "while kill -0 $owner_pid 2>/dev/null; do sleep 1; done; '$0' stop '$dir'; rm -rf '$dir' '$pg'" \
      </dev/null >/dev/null 2>&1 &
  fi
  echo "Host=127.0.0.1;Port=$port;Database=$database;Username=postgres"
}

stop() {
  pg=$(server_dir)
  if running; then
    as_owner "$bin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
