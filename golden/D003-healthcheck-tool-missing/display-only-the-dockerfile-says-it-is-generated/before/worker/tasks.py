from celery import Celery

celery = Celery("tasks", broker="redis://redis:6379/0")


@celery.task
def recount(item_id: int) -> int:
    return item_id
