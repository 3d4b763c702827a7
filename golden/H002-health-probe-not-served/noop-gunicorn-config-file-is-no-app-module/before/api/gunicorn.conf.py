import os

wsgi_app = os.environ.get("APP_MODULE", "app.main:app")
bind = "0.0.0.0:8000"
worker_class = "uvicorn.workers.UvicornWorker"
