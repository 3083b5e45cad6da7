#!/usr/bin/env bash
# Sets up the project when it is not (scripts/setup.sh, quietly: its output is
# shown only if it fails), builds, and runs bench/soap.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]] \
  || { [[ -z "${TEMPORAL_ADDRESS:-}" && ! -x .venv/bin/temporal ]] && ! command -v temporal >/dev/null; }; then
  setup_log=$(mktemp)
  if ! bash scripts/setup.sh >"$setup_log" 2>&1; then cat "$setup_log" >&2; rm -f "$setup_log"; exit 1; fi
  rm -f "$setup_log"
fi
npm run build --silent
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node bench/soap.mjs "$@"
