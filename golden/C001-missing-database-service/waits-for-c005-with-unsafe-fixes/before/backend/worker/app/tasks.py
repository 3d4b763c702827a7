import os

from celery import Celery

celery = Celery(__name__, broker=os.environ["REDIS_URL"])


@celery.task
def ping():
    return "pong"
