#!/usr/bin/env bash
set -euo pipefail
for svc in orders; do
  docker build -t "ghcr.io/acme/${svc}:${1}" -f "${svc}/app/Dockerfile" "${svc}"
done
