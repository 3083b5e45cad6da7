#!/usr/bin/env bash
# Removes stored objects no catalog row references (docs/operations.md,
# "Orphan objects"), with the service's own settings from the environment
# (DATABASE_URL, STORAGE_DRIVER, S3_*, DATA_DIR, as the API and workers get
# them). Safe beside running processes: objects younger than the grace period
# (24 h unless --grace-hours) are never taken.
#   scripts/sweep-orphans.sh --dry-run            # list what would go
#   scripts/sweep-orphans.sh [--grace-hours N]    # remove it
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/src/main.js ]; then
  echo "dist/src/main.js is missing: build first (npm run build, or scripts/setup.sh)" >&2
  exit 1
fi
exec node dist/src/main.js sweep-orphans "$@"
