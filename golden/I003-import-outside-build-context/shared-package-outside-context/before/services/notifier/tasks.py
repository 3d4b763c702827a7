import os

from celery import Celery

from shared.events import ORDER_PAID

app = Celery("notifier", broker=os.environ["BROKER_URL"])


@app.task(name=ORDER_PAID)
def order_paid(order_id: int) -> None:
    print(f"order {order_id} paid")
