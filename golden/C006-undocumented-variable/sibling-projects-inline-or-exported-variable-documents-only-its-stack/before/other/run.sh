#!/bin/sh
set -e
export QUEUE_URL=amqp://localhost:5672
docker compose up -d
