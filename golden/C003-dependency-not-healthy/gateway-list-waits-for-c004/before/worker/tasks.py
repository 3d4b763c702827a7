from celery import Celery

app = Celery("tasks", broker="redis://redis:6379/0")


@app.task
def send_receipt(invoice_id: str) -> None:
    print(f"receipt for {invoice_id}")
