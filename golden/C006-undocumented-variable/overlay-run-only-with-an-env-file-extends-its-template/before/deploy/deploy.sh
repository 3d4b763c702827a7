#!/bin/sh
cd "$(dirname "$0")/.."
docker compose -f docker-compose.yml -f docker-compose.prod.yml --env-file .env.production up -d
