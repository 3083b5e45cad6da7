#!/usr/bin/env bash
# The multi-machine demo (scripts/scale-demo.mjs): one API and two workers with
# separate DATA_DIRs on S3 (SeaweedFS) + PostgreSQL + Temporal, a 200-image
# reprocess, one worker SIGKILLed and the S3 server stopped for 5 s mid-job.
# Prints the per-worker counts and "assets expected N / done N / lost 0 / duplicated 0".
#
#   bash scripts/scale-demo.sh
#
# Sets everything up first (scripts/setup.sh --test: Temporal CLI, SeaweedFS, PostgreSQL
# binaries) and builds, unless SCALE_DEMO_SKIP_SETUP=1 (the integration test, which runs
# in a set-up checkout). DATABASE_URL: a PostgreSQL server to make the demo's database
# in (default: a throw-away cluster started here). TEMPORAL_ADDRESS: an existing Temporal
# (default: a dev server started by the demo). SCALE_DEMO_ASSETS: images (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[scale-demo]\033[0m %s\n' "$*" >&2; }

if [[ "${SCALE_DEMO_SKIP_SETUP:-}" != 1 ]]; then
  bash scripts/setup.sh --test >&2
  npm run --silent build >&2
fi

work=$(mktemp -d /tmp/ips-scale-demo-pg.XXXXXX)
pg_dir=""
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
run_pg() {
  local cmd="$1"; shift
  if (( EUID == 0 )); then su postgres -s /bin/sh -c "$(printf '%q ' "$pg_bin/$cmd" "$@")"; else "$pg_bin/$cmd" "$@"; fi
}
cleanup() {
  if [[ -n "$pg_dir" ]]; then run_pg pg_ctl -D "$pg_dir" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "${DATABASE_URL:-}" ]]; then
  [[ -n "$pg_bin" ]] || { log "PostgreSQL binaries not found (scripts/setup.sh --test installs them)"; exit 1; }
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  pg_dir="$work/pg"
  mkdir -p "$pg_dir"
  (( EUID == 0 )) && chown postgres "$work" "$pg_dir"
  run_pg initdb -D "$pg_dir" -A trust -U postgres --no-sync >/dev/null
  run_pg pg_ctl -D "$pg_dir" -w -l "$pg_dir/server.log" \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL on port $port (throw-away)"
fi

MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" node scripts/scale-demo.mjs
