#!/bin/sh
uvicorn app.main:app --host 0.0.0.0 --port 8000 &
python -m app.worker &
wait -n
