#!/bin/sh
# Creates the IPS catalog database and its owner role next to Temporal's
# databases (those are created by the temporal-admin-tools schema job).
#
# Run by the postgres image's entrypoint from /docker-entrypoint-initdb.d, only
# when the data directory is initialised for the first time. The entrypoint
# sources a non-executable *.sh file, so this script changes no shell options
# and never calls exit; a failing psql still aborts the init (the entrypoint
# runs with `set -e`).
#
# Needs: POSTGRES_USER (the superuser, set by the image), IPS_DB_PASSWORD.

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=ips_db=ips --set=ips_user=ips \
  --set=ips_password="${IPS_DB_PASSWORD:?IPS_DB_PASSWORD must be set for the ips database}" <<'EOSQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'ips_user', :'ips_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'ips_user')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'ips_db', :'ips_user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'ips_db')\gexec
EOSQL
