#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh), installs ImageMagick for the baseline
# if it is missing, builds, and runs bench/reprocess.mjs [count].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# `convert -version`, not `command -v convert`: some machines carry a stand-in `convert` that is not ImageMagick.
if ! convert -version >/dev/null 2>&1 && ! /usr/bin/convert -version >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq imagemagick
fi
# Debian's ImageMagick, ahead of such a stand-in earlier on PATH.
if ! convert -version >/dev/null 2>&1; then export PATH="/usr/bin:$PATH"; fi
npm run build --silent
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node bench/reprocess.mjs "$@"
