#!/usr/bin/env bash
# Sets everything up (as scripts/start.sh does, plus PostgreSQL and an S3 server) and
# runs every test: lint, type check, unit tests, and the integration tests against a
# real Temporal dev server on both SQLite and PostgreSQL. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test || { echo "0 passed, 1 failed"; exit 1; }

log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }
work=$(mktemp -d /tmp/ips-test-run.XXXXXX)
pg_pid_dir=""
s3_dir=""
cleanup() {
  if [[ -n "$pg_pid_dir" ]]; then bash scripts/pg-server.sh stop "$pg_pid_dir"; fi
  if [[ -n "$s3_dir" ]]; then bash scripts/s3-server.sh stop "$s3_dir" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- PostgreSQL: a throw-away cluster on a free port (unless TEST_DATABASE_URL is given) ---
if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  pg_pid_dir="$work/pg"
  if (( EUID == 0 )); then chown postgres "$work"; fi
  TEST_DATABASE_URL=$(bash scripts/pg-server.sh start "$pg_pid_dir" 200) \
    || { log "PostgreSQL did not start"; echo "0 passed, 1 failed"; exit 1; }
  export TEST_DATABASE_URL
fi

# --- S3: SeaweedFS (built by setup.sh --test) in a throw-away directory on a free port,
# with fresh credentials (unless TEST_S3_ENDPOINT is given, with its TEST_S3_* credentials) ---
if [[ -z "${TEST_S3_ENDPOINT:-}" ]]; then
  s3_port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  s3_dir="$work/s3"
  bash scripts/s3-server.sh start "$s3_dir" "$s3_port" >/dev/null \
    || { log "the S3 server did not start"; echo "0 passed, 1 failed"; exit 1; }
  # s3.env holds S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: exported with a TEST_ prefix.
  while IFS='=' read -r name value; do export "TEST_$name=$value"; done <"$s3_dir/s3.env"
  log "S3 (SeaweedFS) on $TEST_S3_ENDPOINT"
fi

gate_failures=0
log "lint (eslint, layer rules and cycles)"; npm run --silent lint || gate_failures=$((gate_failures + 1))
log "type check"; npx tsc -p tsconfig.json --noEmit || gate_failures=$((gate_failures + 1))

log "vitest (unit + integration on SQLite and PostgreSQL)"
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json="$work/vitest.json" "$@"
vitest_status=$?

summary=$(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); passed = r.numPassedTests; failed = r.numFailedTests + (r.numTotalTestSuites && !r.success && r.numFailedTests === 0 ? 1 : 0); }
  catch { failed = 1; }
  console.log(`${passed} ${failed}`);
' "$work/vitest.json")
read -r passed failed <<<"$summary"
failed=$((failed + gate_failures))
# vitest can fail with every test passing (an unhandled error during the run): count that as a failure.
if (( vitest_status != 0 && failed == 0 )); then failed=1; log "vitest exited with status $vitest_status (see the errors above)"; fi
(( gate_failures )) && log "$gate_failures check(s) failed before the tests (lint / type check)"
echo "$passed passed, $failed failed"
(( vitest_status == 0 && failed == 0 ))
