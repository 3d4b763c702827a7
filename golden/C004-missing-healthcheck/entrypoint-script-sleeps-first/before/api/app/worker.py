from celery import Celery
celery = Celery('w')
