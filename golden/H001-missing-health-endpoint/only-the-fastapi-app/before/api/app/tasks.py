import os

from celery import Celery

celery = Celery("shop", broker=os.environ["CELERY_BROKER_URL"])


@celery.task
def send_receipt(order_id: int) -> None:
    print("receipt", order_id)
