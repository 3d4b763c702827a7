#!/usr/bin/env bash
set -e

ROOT_DIR="$(dirname "$0")/.."
APP_PATH="src/app/main.py"

cd "$ROOT_DIR" && exec fastapi run "$APP_PATH" --host 0.0.0.0 --port 8000
