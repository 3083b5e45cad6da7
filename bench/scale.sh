#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh --test: Temporal CLI, SeaweedFS, PostgreSQL),
# builds, starts a throw-away PostgreSQL (unless DATABASE_URL names one) and runs
# bench/scale.mjs [count].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm run build --silent
source scripts/with-database.sh
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
node bench/scale.mjs "$@"
