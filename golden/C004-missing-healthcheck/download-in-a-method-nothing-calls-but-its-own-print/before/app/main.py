from fastapi import FastAPI

from app.s3_utils import S3Utils

app = FastAPI()
store = S3Utils()


@app.get("/health")
def health():
    return {"status": "ok"}
