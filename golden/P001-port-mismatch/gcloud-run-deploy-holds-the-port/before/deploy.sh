#!/bin/sh
set -e
gcloud builds submit api --tag gcr.io/acme/api
gcloud run deploy api --image gcr.io/acme/api --port 8000 --region us-central1
