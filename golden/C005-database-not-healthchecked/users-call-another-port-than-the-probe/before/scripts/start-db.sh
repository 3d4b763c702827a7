#!/bin/sh
set -e
# tuned for the CI runners
exec docker-entrypoint.sh postgres -p 6543 -c fsync=off -c synchronous_commit=off
