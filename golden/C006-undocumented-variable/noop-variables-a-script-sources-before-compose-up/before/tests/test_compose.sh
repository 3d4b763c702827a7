#!/bin/bash
set -e
cd "$(dirname "$0")/../deploy/cpu"
source ./set_env.sh
docker compose up -d
