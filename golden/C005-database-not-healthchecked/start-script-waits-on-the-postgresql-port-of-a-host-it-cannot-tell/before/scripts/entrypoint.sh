#!/bin/sh
if [ "$DATABASE" = "postgres" ]; then
  echo "Waiting for the database..."
  while ! nc -z $DB_HOST 5432; do
    sleep 0.1
  done
fi
exec "$@"
