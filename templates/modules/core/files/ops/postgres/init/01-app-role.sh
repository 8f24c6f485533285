#!/bin/sh
# Run once by the postgres image when its data volume is first created (docker-entrypoint-initdb.d).
# POSTGRES_USER owns the tables and runs the migrations (MIGRATION_DATABASE_URL); the app itself connects as
# app_runtime (DATABASE_URL), which owns nothing, is no superuser and cannot bypass row-level security. Each
# migration run grants it plain data access to every table.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE app_runtime LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
SQL
