#!/usr/bin/env bash
set -e
cd /app
exec uvicorn main:app --host 0.0.0.0 --port 8000
