#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh), installs ImageMagick for the baseline
# if it is missing, builds, and runs bench/reprocess.mjs [count].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v convert >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq imagemagick
fi
npm run build --silent
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node bench/reprocess.mjs "$@"
