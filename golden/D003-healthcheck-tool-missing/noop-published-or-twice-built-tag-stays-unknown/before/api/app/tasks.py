import os

from celery import Celery

celery = Celery("tasks", broker=os.getenv("REDIS_URL", "redis://redis:6379/0"))


@celery.task
def add(x, y):
    return x + y
