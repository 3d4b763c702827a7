from fastapi import FastAPI

app = FastAPI(title="events")


@app.get("/health")
def health():
    return {"status": "ok"}
