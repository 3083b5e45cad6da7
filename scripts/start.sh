#!/usr/bin/env bash
# Quick start: set everything up, then run the whole service on embedded
# defaults: Temporal dev server (SQLite file, Web UI on :8233), worker, and the
# HTTP API on :8080 (PORT overrides). Data lives under ./data. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# glibc's per-thread arenas fragment under long-running sharp work; two is plenty.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node dist/src/main.js "${1:-all}"
