from celery import Celery

from .settings import BROKER_URL

celery_app = Celery("reports", broker=BROKER_URL)


@celery_app.task
def send_report() -> None:
    print("report sent")
