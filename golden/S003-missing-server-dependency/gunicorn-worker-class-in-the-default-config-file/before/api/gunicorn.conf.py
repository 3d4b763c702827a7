import multiprocessing
import os

bind = "0.0.0.0:8080"
workers = int(os.getenv("WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = 'uvicorn.workers.UvicornWorker'  # ASGI: FastAPI
timeout = 60
accesslog = "-"
