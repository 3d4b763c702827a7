#!/bin/bash
set -e
BACKEND_PORT="8000"
python -m uvicorn app.main:app --host 0.0.0.0 --port "${BACKEND_PORT}" &
export PORT=3000
node server.js &
wait -n
