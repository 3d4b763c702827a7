#!/bin/sh
cd "$(dirname "$0")" && docker compose -f docker-compose.yml -f ../services/api/docker-compose.yml up -d --build
