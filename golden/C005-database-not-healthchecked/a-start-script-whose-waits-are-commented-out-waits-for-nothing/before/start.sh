#!/bin/bash

# wait for the database before starting (kept for later)
#wait_for_service() {
#  until nc -z "$1" "$2"; do sleep 2; done
#}
#
#wait_for_service "db" "5432" || exit 1

echo "starting the api"
exec uvicorn app.main:app --host 0.0.0.0 --port 8000
