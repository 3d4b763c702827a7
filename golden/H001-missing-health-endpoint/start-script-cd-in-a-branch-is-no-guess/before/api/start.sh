#!/bin/sh
set -e
if [ -d /code/src ]; then
  cd /code/src
fi
exec uvicorn main:app --host 0.0.0.0 --port 8000
