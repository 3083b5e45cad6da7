#!/usr/bin/env bash
# A throw-away PostgreSQL cluster (Debian's postgresql packages, installed by
# scripts/setup.sh --test) for the tests, the scale demo and the benches.
#   scripts/pg-server.sh start <dir> [max_connections]   initdb in <dir> and serve on a free
#                                                         127.0.0.1 port (fsync off: nothing here
#                                                         outlives the run); prints the URL. As
#                                                         root the cluster runs as user postgres,
#                                                         which must be able to reach <dir>.
#   scripts/pg-server.sh stop <dir>                       stop it (immediate)
set -euo pipefail
log() { printf '\033[1m[pg]\033[0m %s\n' "$*" >&2; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n "$pg_bin" ]] || { log "PostgreSQL binaries not found (scripts/setup.sh --test installs them)"; exit 1; }
# As root, the cluster runs as the postgres user (initdb refuses root).
run_pg() {
  local cmd="$1"; shift
  if (( EUID == 0 )); then su postgres -s /bin/sh -c "$(printf '%q ' "$pg_bin/$cmd" "$@")"; else "$pg_bin/$cmd" "$@"; fi
}

case "${1:-}" in
  start)
    dir="${2:?usage: pg-server.sh start <dir> [max_connections]}"
    max="${3:-100}"
    port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    mkdir -p "$dir"
    # The postgres user must also be able to reach <dir>: callers own its parent (see scripts/test.sh).
    if (( EUID == 0 )); then chown postgres "$dir"; fi
    run_pg initdb -D "$dir" -A trust -U postgres --no-sync >/dev/null
    run_pg pg_ctl -D "$dir" -w -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=$max" start >/dev/null \
      || { log "PostgreSQL did not start"; cat "$dir/server.log" >&2; exit 1; }
    log "PostgreSQL $(basename "$(dirname "$pg_bin")") on port $port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir="${2:?usage: pg-server.sh stop <dir>}"
    run_pg pg_ctl -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start <dir> [max_connections] | stop <dir>" >&2
    exit 2
    ;;
esac
