from fastapi import FastAPI

app = FastAPI(title="svc")


@app.get("/")
def root():
    return {"hello": "world"}


@app.get("/health")
def health():
    return {"status": "ok"}
