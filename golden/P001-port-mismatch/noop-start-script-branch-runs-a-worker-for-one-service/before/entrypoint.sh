#!/bin/sh
MODE=$1
if [ $MODE = "worker" ]; then
    dramatiq app.worker
elif [ $MODE = "api" ]; then
    uvicorn app.main:app --host 0.0.0.0 --port 8080
else
    echo "bad mode"; exit 1
fi
