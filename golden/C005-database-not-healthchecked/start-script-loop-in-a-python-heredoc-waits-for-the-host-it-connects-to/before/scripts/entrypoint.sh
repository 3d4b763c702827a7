#!/bin/bash
set -o errexit
python << END
import os, sys, time
import psycopg
host = os.environ.get("POSTGRES_HOST", "postgres")
while True:
    try:
        psycopg.connect(host=host, port=5432, user="postgres")
        break
    except psycopg.OperationalError:
        time.sleep(1)
END
exec "$@"
