#!/bin/sh
postgres_ready() {
python << END
import sys, psycopg2
try:
    psycopg2.connect(dbname="postgres", user="postgres", password="secret", host="db")
except psycopg2.OperationalError:
    sys.exit(-1)
sys.exit(0)
END
}
until postgres_ready; do
  >&2 echo 'Waiting for PostgreSQL to become available...'
  sleep 1
done
exec "$@"
