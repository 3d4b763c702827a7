from celery import Celery

app = Celery("tasks", broker="redis://redis:6379/0")


@app.task
def reindex(product_id: str) -> str:
    return product_id
