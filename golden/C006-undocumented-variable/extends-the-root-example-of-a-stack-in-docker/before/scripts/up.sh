#!/bin/sh
# the stack reads its variables from the root .env
set -a
. ./.env
set +a
exec docker compose -f docker/docker-compose.yml up --build
