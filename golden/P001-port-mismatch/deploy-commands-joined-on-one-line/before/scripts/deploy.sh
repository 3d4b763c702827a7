#!/usr/bin/env bash
set -euo pipefail
PROJECT=${PROJECT:-acme-prod}
gcloud run deploy users --image gcr.io/$PROJECT/users-svc --region europe-west1 && gcloud run deploy orders --image gcr.io/$PROJECT/orders-svc --region europe-west1 --port 8000
