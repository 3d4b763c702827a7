#!/bin/sh
export WORKER_CLASS=${WORKER_CLASS:-"uvicorn.workers.UvicornWorker"}
export APP_MODULE=${APP_MODULE:-"app.main:app"}
exec gunicorn -k "$WORKER_CLASS" -b 0.0.0.0:8000 "$APP_MODULE"
