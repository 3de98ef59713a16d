#!/bin/sh
# The application database server (catalog and orders): one database and one role each,
# neither role able to reach the other's database. The auth database lives on another server.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE catalog LOGIN PASSWORD '${CATALOG_DB_PASSWORD}';
CREATE ROLE orders LOGIN PASSWORD '${ORDERS_DB_PASSWORD}';
CREATE DATABASE catalog OWNER catalog;
CREATE DATABASE orders OWNER orders;
REVOKE ALL ON DATABASE catalog FROM PUBLIC;
REVOKE ALL ON DATABASE orders FROM PUBLIC;
SQL
