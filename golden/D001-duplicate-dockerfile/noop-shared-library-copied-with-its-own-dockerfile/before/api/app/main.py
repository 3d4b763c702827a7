from fastapi import FastAPI

from shared.version import VERSION

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True, "version": VERSION}
