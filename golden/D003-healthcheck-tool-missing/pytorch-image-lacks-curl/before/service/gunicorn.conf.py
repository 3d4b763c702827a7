import multiprocessing
import os

bind = "0.0.0.0:5000"
workers = int(os.getenv("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count())))
worker_class = "uvicorn.workers.UvicornWorker"
timeout = 180
preload_app = True
