#!/bin/sh
BASE_DIR=$(cd "$(dirname "$0")/.." && pwd)
docker compose -f "$BASE_DIR/docker-compose.yml" -f "$BASE_DIR/auth/docker-compose-auth.yml" up -d
