#!/bin/bash
set -e
# load the demo catalogue (~2M rows) for local development
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
  INSERT INTO products (name) SELECT 'product ' || g FROM generate_series(1, 2000000) g;
EOSQL
