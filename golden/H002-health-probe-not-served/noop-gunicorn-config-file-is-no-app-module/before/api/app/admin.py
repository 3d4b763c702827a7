from fastapi import FastAPI

admin = FastAPI()


@admin.get("/health")
def health():
    return {"status": "ok"}
