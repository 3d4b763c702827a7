#!/bin/sh
set -e
exec python -m app.worker
