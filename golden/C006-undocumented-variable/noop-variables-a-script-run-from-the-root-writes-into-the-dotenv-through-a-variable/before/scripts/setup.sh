#!/bin/bash
set -e

echo "> ./scripts/gen_env.sh"
./scripts/gen_env.sh
