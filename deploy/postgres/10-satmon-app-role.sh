#!/bin/sh
# Runs once, when the postgres container initialises its data directory. The superuser
# (POSTGRES_USER) owns the schema and runs the migrations (`satmon init`); the services connect
# as SATMON_DB_USER (default satmon), which may read and write rows and nothing else: no DDL,
# no roles, no other databases.
set -eu
psql -v ON_ERROR_STOP=1 -v app_user="${SATMON_DB_USER:-satmon}" -v app_password="$SATMON_DB_PASSWORD" \
     -v db="$POSTGRES_DB" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app_user";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_user";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_user";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_user";
SQL
