#!/bin/bash
set -e
cd "$(dirname "$0")/../deploy/cpu"
export LLM_URL="http://${host_ip}:8010"
docker compose up -d
