#!/bin/sh
set -e

case "$SERVICE_TYPE" in
    app)
        uv run uvicorn app.main:app --host 0.0.0.0 --port 8000 &
        exec uv run jupyter notebook --ip=0.0.0.0 --port=8888 --no-browser
        ;;
    worker)
        exec uv run celery -A app.worker.celery_app worker --loglevel=info
        ;;
    flower)
        exec uv run celery -A app.worker.celery_app flower --port=5555
        ;;
    *)
        echo "unknown SERVICE_TYPE: $SERVICE_TYPE"
        exit 1
        ;;
esac
