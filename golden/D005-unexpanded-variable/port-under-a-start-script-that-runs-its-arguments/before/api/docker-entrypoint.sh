#!/bin/sh
set -e
# migrations first
python -m app.migrate
exec "$@"
