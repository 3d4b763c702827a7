from celery import Celery

celery_app = Celery("w", broker="redis://redis:6379/0")
