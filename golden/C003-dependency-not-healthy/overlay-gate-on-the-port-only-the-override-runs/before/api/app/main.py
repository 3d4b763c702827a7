from fastapi import FastAPI

app = FastAPI(title="api")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/")
def root():
    return {"service": "api"}
