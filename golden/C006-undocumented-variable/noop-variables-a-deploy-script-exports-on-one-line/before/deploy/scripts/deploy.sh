#!/usr/bin/env bash
set -euo pipefail
IMAGE_URI="${1:?IMAGE_URI is required}"
ENV_FILE_PATH="${2:?ENV_FILE_PATH is required}"
COMPOSE_FILE="${3:?}/docker-compose.deploy.yml"
export IMAGE_URI ENV_FILE_PATH
docker compose --file "${COMPOSE_FILE}" up -d --no-build
