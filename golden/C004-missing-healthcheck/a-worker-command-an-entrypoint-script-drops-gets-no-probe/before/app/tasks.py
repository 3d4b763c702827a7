from celery import Celery

celery = Celery("app")
