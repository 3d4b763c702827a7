#!/bin/sh
set -e
pip install --no-cache-dir -r /code/extra-requirements.txt
exec "$@"
