#!/bin/sh
set -e
exec gosu app uvicorn app.main:app --host 0.0.0.0 --port 8001
