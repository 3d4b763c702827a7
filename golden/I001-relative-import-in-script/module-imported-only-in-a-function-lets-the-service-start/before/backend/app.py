from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/slots")
def slots():
    from availability import count
    return {"count": count()}
