#!/usr/bin/env bash
set -euo pipefail
if [ -z "${1:-}" ]; then
  echo "usage: $0 TELEGRAM_ID" >&2
  exit 1
fi
export TELEGRAM_ID=$1
docker compose -f docker-compose-dry-run.yml up
