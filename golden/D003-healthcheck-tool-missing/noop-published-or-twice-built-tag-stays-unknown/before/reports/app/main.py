from fastapi import FastAPI

app = FastAPI(title="reports")


@app.get("/health")
def health():
    return {"status": "ok"}
