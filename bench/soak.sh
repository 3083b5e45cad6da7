#!/usr/bin/env bash
# Sets up the project (scripts/setup.sh), installs Debian's jemalloc for the
# third allocator setting if it is missing, builds, and runs bench/soak.mjs [count].
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! ls /usr/lib/*-linux-gnu/libjemalloc.so.2 >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libjemalloc2
fi
npm run build --silent
exec node bench/soak.mjs "$@"
