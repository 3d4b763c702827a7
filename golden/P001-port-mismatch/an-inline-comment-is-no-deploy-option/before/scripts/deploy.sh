#!/usr/bin/env bash
set -euo pipefail
gcloud run deploy users --image gcr.io/acme/users-svc --region europe-west1  # was: --port 8000 before the move to 8080
