wsgi_app = "app.server:application"
worker_class = "uvicorn.workers.UvicornWorker"
