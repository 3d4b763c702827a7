gcloud run deploy api --source ./api --port 8080
gcloud run deploy orders --source ./orders --port 8000
