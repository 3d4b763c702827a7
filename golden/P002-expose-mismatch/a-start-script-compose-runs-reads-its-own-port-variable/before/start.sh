#!/bin/sh
set -e
PORT=${PORT:-80}
exec uvicorn --host 0.0.0.0 --port $PORT app.main:app "$@"
