#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh --test: Temporal CLI, SeaweedFS, PostgreSQL),
# builds, starts a throw-away PostgreSQL (unless DATABASE_URL names one) and runs
# bench/scale.mjs [count].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm run build --silent
pg_dir=""
cleanup() { if [[ -n "$pg_dir" ]]; then bash scripts/pg-server.sh stop "$pg_dir"; rm -rf "$(dirname "$pg_dir")"; fi; }
trap cleanup EXIT
if [[ -z "${DATABASE_URL:-}" ]]; then
  pg_dir="$(mktemp -d /tmp/ips-bench-scale-pg.XXXXXX)/pg"
  if (( EUID == 0 )); then chown postgres "$(dirname "$pg_dir")"; fi
  DATABASE_URL=$(bash scripts/pg-server.sh start "$pg_dir")
  export DATABASE_URL
fi
# The AWS SDK's Node 20 notice (docs/operations.md, S3 storage) would be printed by every process.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
node bench/scale.mjs "$@"
