#!/bin/sh
set -e
export QUEUE_URL=amqp://localhost:5672
docker compose -f other/docker-compose.yml up -d
