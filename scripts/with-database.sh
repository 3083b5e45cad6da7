# Sourced (bash), from the repository root, by scripts that need PostgreSQL
# (scripts/scale-demo.sh, bench/scale.sh): unless DATABASE_URL is set, starts a
# throw-away cluster (scripts/pg-server.sh), exports DATABASE_URL naming it and
# stops and removes it when the sourcing script exits (an EXIT trap).
if [[ -z "${DATABASE_URL:-}" ]]; then
  ips_pg_dir="$(mktemp -d /tmp/ips-pg.XXXXXX)/pg"
  # As root the cluster runs as user postgres, which must reach its folder.
  if (( EUID == 0 )); then chown postgres "$(dirname "$ips_pg_dir")"; fi
  trap 'bash scripts/pg-server.sh stop "$ips_pg_dir"; rm -rf "$(dirname "$ips_pg_dir")"' EXIT
  DATABASE_URL=$(bash scripts/pg-server.sh start "$ips_pg_dir")
  export DATABASE_URL
fi
# The AWS SDK's Node 20 notice (docs/operations.md, S3 storage) would be printed by every process.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
