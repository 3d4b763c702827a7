from fastapi import FastAPI

v1 = FastAPI()


@v1.get("/health")
def health():
    return {"ok": True}
