#!/usr/bin/env bash
# The S3 server the tests run against: SeaweedFS (Apache-2.0), a real S3 API
# with SigV4 authentication, not an in-process mock.
#   scripts/s3-server.sh build               build `weed` once per machine (minutes; then reused)
#   scripts/s3-server.sh path                print the binary's path
#   scripts/s3-server.sh start <dir> <port>  serve S3 on 127.0.0.1:<port>; data, log, pid and
#                                            credentials (<dir>/s3.env) in <dir>
#   scripts/s3-server.sh stop <dir>          stop the server started in <dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Pinned, so every machine builds and tests against the same server.
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6
short_version=${SEAWEEDFS_VERSION##*-}
# Built once per machine in the user's cache and linked into the checkout, so a fresh
# clone (CI clones every run) does not spend minutes compiling again.
cache_bin="${XDG_CACHE_HOME:-$HOME/.cache}/ips-job-service/weed-$short_version/weed"
tool_bin="$root/.tools/weed-$short_version/weed"
# SigV4 needs a region; SeaweedFS accepts any, this is the SDKs' usual default.
region=us-east-1

log() { printf '\033[1m[s3]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

find_go() {
  if command -v go >/dev/null; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go
  else return 1; fi
}

build() {
  if [[ -x "$tool_bin" ]]; then
    log "SeaweedFS $short_version: reusing $tool_bin"
    return
  fi
  if [[ -x "$cache_bin" ]]; then
    log "SeaweedFS $short_version: reusing the machine cache $cache_bin"
  else
    local go tmp src
    go=$(find_go) || die "Go is needed to build SeaweedFS once (https://go.dev/dl, Go 1.26+)"
    log "building SeaweedFS $SEAWEEDFS_VERSION with $("$go" version | cut -d' ' -f3) (a few minutes, once per machine) into $cache_bin"
    tmp=$(mktemp -d /tmp/ips-weed-build.XXXXXX)
    # shellcheck disable=SC2064 # expand $tmp now: it is local
    trap "rm -rf '$tmp'" EXIT
    # `go install …@version` refuses a module whose go.mod has replace directives, so
    # build inside a writable copy of the downloaded module instead.
    src=$(cd "$tmp" && GOFLAGS=-mod=mod "$go" mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [[ -n "$src" && -d "$src" ]] || die "go mod download gave no module directory for seaweedfs@$SEAWEEDFS_VERSION"
    cp -r "$src" "$tmp/seaweedfs"
    chmod -R u+w "$tmp/seaweedfs"
    mkdir -p "$(dirname "$cache_bin")"
    local started=$SECONDS
    # -s -w: no symbol tables, a smaller binary; nothing here debugs weed itself.
    (cd "$tmp/seaweedfs" && CGO_ENABLED=0 GOFLAGS=-mod=mod "$go" build -trimpath -ldflags='-s -w' -o "$cache_bin.partial.$$" ./weed)
    # Renamed only when complete, so an interrupted build is never taken for a binary.
    mv -f "$cache_bin.partial.$$" "$cache_bin"
    log "built $cache_bin in $((SECONDS - started)) s"
  fi
  mkdir -p "$(dirname "$tool_bin")"
  ln -f "$cache_bin" "$tool_bin" 2>/dev/null || cp "$cache_bin" "$tool_bin"
  log "SeaweedFS $short_version ready: $tool_bin"
}

# Prints $1 distinct free TCP ports on 127.0.0.1 (all held open at once, so no duplicates).
free_ports() {
  node -e '
    const net = require("net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
      .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });
  ' "$1"
}

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# True while the process runs (a zombie, already exited, has an empty command line).
alive() { [[ -n "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ]]; }

# The pid in <dir>/weed.pid if that process is still our weed (a pid can be reused).
running_pid() {
  local pid_file="$1/weed.pid" pid
  [[ -f "$pid_file" ]] || return 1
  pid=$(<"$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q weed || return 1
  echo "$pid"
}

# One probe: signed ListBuckets, the volume server joined, then a write in a bucket of its
# own (removed again, so tests see an empty server).
ready() {
  local endpoint="http://127.0.0.1:$1" master="$2" credentials="$3" dir="$4"
  local probe="$endpoint/ips-ready-probe"
  s3_curl() { curl -sf -o /dev/null --max-time 30 --aws-sigv4 "aws:amz:$region:s3" --user "$credentials" "$@"; }
  s3_curl --max-time 2 "$endpoint/" || return 1
  curl -sf --max-time 2 "http://127.0.0.1:$master/dir/status" | grep -q '"DataNodes":\[{' || return 1
  s3_curl -X PUT "$probe" || true # 409 when a previous probe left it
  printf ok >"$dir/ready-probe"
  s3_curl -T "$dir/ready-probe" "$probe/ready" || return 1
  s3_curl -X DELETE "$probe/ready" && s3_curl -X DELETE "$probe" && rm -f "$dir/ready-probe"
}

start() {
  local dir="$1" port="$2"
  [[ "$port" =~ ^[0-9]+$ ]] || die "start: the port must be a number, got '$port'"
  [[ -x "$tool_bin" ]] || die "SeaweedFS is not built: run scripts/s3-server.sh build (scripts/setup.sh --test does)"
  mkdir -p "$dir/data" "$dir/log"
  dir=$(cd "$dir" && pwd)
  if running_pid "$dir" >/dev/null; then die "a server is already running from $dir (pid $(<"$dir/weed.pid"))"; fi

  # Real SigV4 credentials, new for every directory (a restart on the same directory, as
  # an outage test does, keeps them): with no identities SeaweedFS lets anonymous
  # requests do anything, and clients would never exercise signing.
  local key_id secret
  if [[ -f "$dir/s3.env" ]]; then
    key_id=$(sed -n 's/^S3_ACCESS_KEY_ID=//p' "$dir/s3.env")
    secret=$(sed -n 's/^S3_SECRET_ACCESS_KEY=//p' "$dir/s3.env")
  else
    key_id="IPS$(random_hex 8 | tr 'a-f' 'A-F')"
    secret=$(random_hex 20)
  fi
  cat >"$dir/s3.json" <<EOF
{ "identities": [ { "name": "ips-test",
    "credentials": [ { "accessKey": "$key_id", "secretKey": "$secret" } ],
    "actions": [ "Admin", "Read", "List", "Tagging", "Write" ] } ] }
EOF
  cat >"$dir/s3.env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$port
S3_REGION=$region
S3_ACCESS_KEY_ID=$key_id
S3_SECRET_ACCESS_KEY=$secret
EOF

  # Every listener on a free port of its own (the defaults, 9333, 8080, 8888, 8181, 9101,
  # and gRPC at port + 10000, collide between runs or overflow 65535). Kept for a restart
  # on the same directory: the volume server's identity is its address.
  if [[ ! -f "$dir/ports" ]]; then
    # One spare: the caller's S3 port, released before this, may come back among them.
    echo $(free_ports 8 | tr ' ' '\n' | grep -vx "$port" | awk 'NR <= 7') >"$dir/ports"
  fi
  local master volume filer master_grpc volume_grpc filer_grpc s3_grpc
  read -r master volume filer master_grpc volume_grpc filer_grpc s3_grpc <"$dir/ports"
  # Test-sized: a bucket is a SeaweedFS collection, which grows 7 volumes on its first
  # write by default; one 64 MB volume per bucket keeps many test buckets cheap. No
  # hold on the first volume allocation (it waits for other volume servers to report;
  # there are none), a 1 s master election on a restart instead of 10 s, no telemetry
  # (it would post to seaweedfs.com), no Iceberg/Lance catalogs or IAM API, and no
  # 10 s pre-stop delay.
  WEED_MASTER_VOLUME_GROWTH_COPY_1=1 WEED_MASTER_VOLUME_GROWTH_ALLOCATION_DEFERRAL=0s nohup "$tool_bin" -logdir="$dir/log" server \
    -dir="$dir/data" -ip=127.0.0.1 \
    -master.port="$master" -master.port.grpc="$master_grpc" -master.volumeSizeLimitMB=64 -master.electionTimeout=1s -master.telemetry=false \
    -volume.port="$volume" -volume.port.grpc="$volume_grpc" -volume.max=200 -volume.preStopSeconds=0 \
    -filer.port="$filer" -filer.port.grpc="$filer_grpc" -filer.localSocket="$dir/filer.sock" \
    -s3 -s3.port="$port" -s3.port.grpc="$s3_grpc" -s3.port.iceberg=0 -s3.port.lance=0 -s3.iam=false \
    -s3.config="$dir/s3.json" -s3.localSocket="$dir/s3.sock" \
    >"$dir/weed.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/weed.pid"

  # Ready when a signed object write succeeds: ListBuckets answers as soon as the gateway
  # is up, but writes wait until the filer has joined the cluster (about 7 s after a
  # fresh start) or the master's warm-up after a restart has passed (15 s).
  local started=$SECONDS
  until ready "$port" "$master" "$key_id:$secret" "$dir"; do
    if ! alive "$pid"; then
      tail -n 30 "$dir/weed.log" >&2
      rm -f "$dir/weed.pid"
      die "SeaweedFS exited during start (log: $dir/weed.log)"
    fi
    if (( SECONDS - started > 60 )); then
      tail -n 30 "$dir/weed.log" >&2
      stop "$dir"
      die "SeaweedFS did not accept a write on port $port within 60 s (log: $dir/weed.log)"
    fi
    sleep 0.3
  done
  log "SeaweedFS on http://127.0.0.1:$port (pid $pid, ready in $((SECONDS - started)) s; credentials in $dir/s3.env)"
  echo "http://127.0.0.1:$port"
}

stop() {
  local dir="$1" pid
  if ! pid=$(running_pid "$dir"); then
    rm -f "$dir/weed.pid"
    return 0
  fi
  # SIGTERM closes the volumes cleanly at once; the filer then retries for 15 s to flush
  # its change log to the volume server that `weed server` already stopped. Nothing the
  # S3 API serves is in that log (objects and their metadata are already on disk), so
  # the wait is cut short.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$dir/weed.pid"
  # Killed, the master leaves its gRPC socket behind (weed names them by port under /tmp).
  local grpc_port
  if [[ -f "$dir/ports" ]]; then
    for grpc_port in $(cut -d' ' -f4- "$dir/ports"); do
      rm -f /tmp/seaweedfs-{master,volume,filer,s3}-grpc-"$grpc_port".sock
    done
  fi
}

case "${1:-}" in
  build) build ;;
  path) [[ -x "$tool_bin" ]] || die "SeaweedFS is not built: run scripts/s3-server.sh build"; echo "$tool_bin" ;;
  start) [[ $# -eq 3 ]] || die "usage: scripts/s3-server.sh start <dir> <port>"; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || die "usage: scripts/s3-server.sh stop <dir>"; stop "$2" ;;
  *) die "usage: scripts/s3-server.sh build | path | start <dir> <port> | stop <dir>" ;;
esac
