#!/bin/sh
set -e
APP_MODULE=${APP_MODULE:-app.main:app}
PORT=${PORT:-80}
if [ "${DEV_RELOAD:-0}" = "1" ]; then
  exec uvicorn "${APP_MODULE}" --host 0.0.0.0 --port "${PORT}" --reload
else
  exec uvicorn "${APP_MODULE}" --host 0.0.0.0 --port "${PORT}"
fi
