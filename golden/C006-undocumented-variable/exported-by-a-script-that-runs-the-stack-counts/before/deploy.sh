#!/bin/sh
set -e
export TAG=$(git rev-parse --short HEAD)
: "${REGISTRY:?set REGISTRY}"
docker compose -f worker/docker-compose.yml pull
docker compose -f worker/docker-compose.yml up -d
