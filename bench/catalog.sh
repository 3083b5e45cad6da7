#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh --test: Temporal CLI, PostgreSQL), builds,
# starts a throw-away PostgreSQL (unless DATABASE_URL names one) and runs bench/catalog.mjs.
# BENCH_CATALOG_PLANS=<file> also writes the plans PostgreSQL ran (auto_explain) to <file>.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm run build --silent
source scripts/with-database.sh
node bench/catalog.mjs "$@"
