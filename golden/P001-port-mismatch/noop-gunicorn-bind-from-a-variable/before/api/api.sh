#!/bin/sh
set -e
BIND=${GUNICORN_BIND:-0.0.0.0:8000}
exec gunicorn src.main:app --worker-class uvicorn.workers.UvicornWorker --bind "${BIND}"
