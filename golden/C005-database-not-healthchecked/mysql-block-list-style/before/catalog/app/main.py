from fastapi import FastAPI

app = FastAPI(title="catalog")


@app.get("/health")
def health():
    return {"status": "ok"}
