#!/bin/sh
# The application database server (catalog and orders): one database and one role each,
# neither role able to reach the other's database. The auth database lives on another server.
# Each role's password comes from <NAME>_FILE (a Docker secret) or <NAME>.
set -eu
catalog_password=${CATALOG_DB_PASSWORD:-$(cat "$CATALOG_DB_PASSWORD_FILE")}
orders_password=${ORDERS_DB_PASSWORD:-$(cat "$ORDERS_DB_PASSWORD_FILE")}
# psql quotes the passwords itself (:'name'): no character of theirs can end the literal.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v catalog_password="$catalog_password" -v orders_password="$orders_password" <<'SQL'
CREATE ROLE catalog LOGIN PASSWORD :'catalog_password';
CREATE ROLE orders LOGIN PASSWORD :'orders_password';
CREATE DATABASE catalog OWNER catalog;
CREATE DATABASE orders OWNER orders;
REVOKE ALL ON DATABASE catalog FROM PUBLIC;
REVOKE ALL ON DATABASE orders FROM PUBLIC;
SQL
