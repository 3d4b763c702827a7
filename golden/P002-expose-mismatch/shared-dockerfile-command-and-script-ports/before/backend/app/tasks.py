import os

from celery import Celery

celery = Celery("shop", broker=os.environ.get("REDIS_URL", "redis://redis:6379/0"))


@celery.task
def send_receipt(order_id: int) -> None:
    print(f"receipt for {order_id}")
