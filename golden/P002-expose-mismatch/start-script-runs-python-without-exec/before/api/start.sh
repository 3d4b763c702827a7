#!/bin/sh
set -e
alembic upgrade head
python /app/run.py
