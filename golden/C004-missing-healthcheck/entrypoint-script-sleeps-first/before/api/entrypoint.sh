#!/bin/sh
set -e
echo "waiting for the database"
sleep 60
alembic upgrade head
exec "$@"
