#!/bin/sh
PORT=${PORT:-80}
APP_MODULE=${APP_MODULE:-app.main:app}
exec uvicorn --host 0.0.0.0 --port $PORT "$APP_MODULE"
