#!/usr/bin/env bash
set -e

HERE=$(pwd)
APP_PATH="src/app/main.py"

cd "$HERE" && exec fastapi run "$APP_PATH" --host 0.0.0.0 --port 8000
