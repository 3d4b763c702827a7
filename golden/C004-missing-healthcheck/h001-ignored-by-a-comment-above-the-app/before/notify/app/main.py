from fastapi import FastAPI

# fixer: ignore[H001]
app = FastAPI()


@app.post("/send")
def send():
    return {"queued": True}
