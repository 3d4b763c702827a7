from celery import Celery

celery_app = Celery("api", broker="redis://redis:6379/0")
