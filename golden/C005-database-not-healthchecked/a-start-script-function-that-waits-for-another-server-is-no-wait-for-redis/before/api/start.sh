#!/bin/sh
set -e

wait_for_database() {
  python - <<'PY'
import os, psycopg2
psycopg2.connect(os.environ["DATABASE_URL"]).close()
PY
}

until wait_for_database; do
  echo "waiting for the database"
  sleep 2
done

exec "$@"
