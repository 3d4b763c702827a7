#!/bin/bash
RUN_PORT=${RUN_PORT:-8000}
exec gunicorn main:app -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:${RUN_PORT}
