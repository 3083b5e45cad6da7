#!/usr/bin/env bash
# Checks a Compose file the way `docker compose` loads it, on machines without a Docker
# engine: compose-go (the Compose reference loader) reads it with the environment and a
# .env file next to it, applies the Compose schema, and prints the resolved services as
# JSON (credentials redacted). The checker, deploy/compose-validate, is built from the Go
# module proxy once per machine and reused.
#   scripts/validate-compose.sh build          build the checker (seconds; then reused)
#   scripts/validate-compose.sh [file]         validate (default docker-compose.yml); builds first if needed
# Exit status 1 with the loader's message when the file does not load or breaks the schema
# (a required ${VAR:?…} setting left unset counts as not loading).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/deploy/compose-validate"

log() { printf '\033[1m[compose]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Named after its sources, so an edit to the checker or its pinned modules builds anew.
version=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-12)
cache_bin="${XDG_CACHE_HOME:-$HOME/.cache}/ips-job-service/compose-validate-$version/compose-validate"
tool_bin="$root/.tools/compose-validate-$version/compose-validate"

find_go() {
  if command -v go >/dev/null; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go
  else return 1; fi
}

build() {
  [[ -x "$tool_bin" ]] && return
  if [[ ! -x "$cache_bin" ]]; then
    local go started=$SECONDS
    go=$(find_go) || die "Go is needed to build the Compose checker once (https://go.dev/dl, Go 1.24+)"
    log "building the Compose checker (compose-go, from the Go module proxy) into $cache_bin"
    mkdir -p "$(dirname "$cache_bin")"
    # go.sum pins every module; -mod=readonly refuses to build anything it does not list.
    (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=readonly "$go" build -trimpath -ldflags='-s -w' -o "$cache_bin.partial.$$" .)
    # Renamed only when complete, so an interrupted build is never taken for a binary.
    mv -f "$cache_bin.partial.$$" "$cache_bin"
    log "built in $((SECONDS - started)) s"
  fi
  mkdir -p "$(dirname "$tool_bin")"
  ln -f "$cache_bin" "$tool_bin" 2>/dev/null || cp "$cache_bin" "$tool_bin"
}

case "${1:-}" in
  build) build; log "Compose checker ready: $tool_bin" ;;
  -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *)
    [[ $# -le 1 ]] || die "usage: scripts/validate-compose.sh build | [compose file]"
    file="${1:-$root/docker-compose.yml}"
    [[ -f "$file" ]] || die "no such file: $file"
    build
    exec "$tool_bin" "$file"
    ;;
esac
