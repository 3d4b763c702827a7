#!/usr/bin/env bash
set -e

# the app for the FastAPI CLI
APP_PATH="src/app/main.py"

exec fastapi run "$APP_PATH" --host 0.0.0.0 --port 8000
