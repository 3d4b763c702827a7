#!/bin/sh
set -e
python -m app.wait_for_db
exec python serve.py
