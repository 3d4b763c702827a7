from fastapi import BackgroundTasks, FastAPI

from app.media import store_media

app = FastAPI()


def queue_media(url: str, background_tasks: BackgroundTasks) -> dict[str, bool]:
    background_tasks.add_task(store_media, url)
    return {"queued": True}


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/webhook")
def webhook(url: str, background_tasks: BackgroundTasks) -> dict[str, bool]:
    return queue_media(url, background_tasks)
