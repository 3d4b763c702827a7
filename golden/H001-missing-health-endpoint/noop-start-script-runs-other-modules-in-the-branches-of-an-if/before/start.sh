#!/bin/sh
set -e
APP_MODULE=${APP_MODULE:-app.main:app}
DEV_MODULE=${DEV_MODULE:-app.dev:app}
if [ "${DEV_RELOAD:-0}" = "1" ]; then
  exec uvicorn "${DEV_MODULE}" --host 0.0.0.0 --port 80 --reload
else
  exec uvicorn "${APP_MODULE}" --host 0.0.0.0 --port 80
fi
