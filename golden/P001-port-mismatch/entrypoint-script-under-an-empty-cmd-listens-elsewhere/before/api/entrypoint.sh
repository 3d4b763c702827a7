#!/bin/sh
set -e

echo "starting orders"
exec uvicorn app.main:app \
    --host 0.0.0.0 \
    --port 8000 \
    "$@"
