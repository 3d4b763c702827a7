#!/bin/sh
# run from the repository root
docker compose -f ./deploy/docker-compose.yml --project-directory . "$@"
