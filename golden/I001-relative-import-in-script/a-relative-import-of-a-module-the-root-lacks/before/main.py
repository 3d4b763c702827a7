from fastapi import FastAPI

import legacy

app = FastAPI()


@app.get("/health")
def health():
    return {"status": legacy.NAME}
