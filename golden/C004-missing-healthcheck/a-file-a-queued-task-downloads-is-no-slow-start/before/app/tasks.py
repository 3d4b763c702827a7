from celery import Celery

from app.storage import Storage

celery = Celery("api", broker="redis://redis:6379/0")


def _ingest(key: str) -> int:
    return len(Storage().read(key))


@celery.task
def ingest(key: str) -> int:
    return _ingest(key)
