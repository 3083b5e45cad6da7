#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh), builds, and runs bench/fairness.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build --silent
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node bench/fairness.mjs "$@"
