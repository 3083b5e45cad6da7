#!/bin/sh
# Creates Temporal's PostgreSQL databases (persistence + visibility) and brings
# both schemas up to the version this admin-tools image ships. Idempotent: an
# existing database is kept, setup-schema does not lower a newer version, and
# update-schema applies only missing versions. Runs in temporalio/admin-tools.
#
# Env: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD (read by
#      temporal-sql-tool), optional DBNAME / VISIBILITY_DBNAME.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
attempt=0
until nc -z -w 10 "$POSTGRES_SEEDS" "$DB_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL is not reachable at ${POSTGRES_SEEDS}:${DB_PORT}" >&2
    exit 1
  fi
  sleep 2
done
echo 'PostgreSQL port is available'

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

echo "Setting up database '${DBNAME}'..."
sql_tool --db "$DBNAME" create
sql_tool --db "$DBNAME" setup-schema -v 0.0
sql_tool --db "$DBNAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"

echo "Setting up visibility database '${VISIBILITY_DBNAME}'..."
sql_tool --db "$VISIBILITY_DBNAME" create
sql_tool --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql_tool --db "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"

echo 'PostgreSQL schema setup complete'
