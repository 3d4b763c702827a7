#!/bin/sh
APP_MODULE=${APP_MODULE:-app.main:app}
exec uvicorn --host 0.0.0.0 --port 80 "$APP_MODULE"
