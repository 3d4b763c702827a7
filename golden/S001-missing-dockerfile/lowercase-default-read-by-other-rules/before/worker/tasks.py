import os

from celery import Celery

app = Celery("tasks", broker=os.environ["BROKER_URL"])


@app.task
def send_receipt(order_id: int) -> None:
    print(f"receipt for order {order_id}")
