from celery import Celery

celery_app = Celery("app", broker="redis://redis:6379/0")


@celery_app.task
def send_receipt(order_id: int) -> None:
    print("receipt", order_id)
