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

source scripts/with-database.sh
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" node scripts/scale-demo.mjs
