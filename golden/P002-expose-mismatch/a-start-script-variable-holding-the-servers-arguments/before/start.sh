#!/bin/sh
set -e
ARGS="app.main:app --host 0.0.0.0 --port 8000"
exec uvicorn $ARGS
