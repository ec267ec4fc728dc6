#!/bin/sh
# Runs once, when the postgres container initialises its data directory. The superuser
# (POSTGRES_USER) owns the schema and runs the migrations (`satmon init`); the services connect
# as SATMON_DB_USER (default satmon), which may read and write rows and nothing else: no DDL,
# no roles, no other databases. Each service then works as its own role (satmon_writer, ...;
# satmon_core.postgres.ServiceRole), which may write only the tables that service owns
# (db/migrations/0006_table_owners.sql).
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
-- Roles are shared by the cluster's databases: create each once.
SELECT format('CREATE ROLE %I NOLOGIN', r) FROM unnest(ARRAY['satmon_writer', 'satmon_ops', 'satmon_scheduler',
       'satmon_worker', 'satmon_router', 'satmon_notifier']) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
GRANT satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router, satmon_notifier TO :"app_user";
SQL
