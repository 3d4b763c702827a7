from celery import Celery

celery = Celery(__name__)
