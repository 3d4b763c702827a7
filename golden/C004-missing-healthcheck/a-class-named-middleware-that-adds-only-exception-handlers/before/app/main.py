from fastapi import FastAPI

from app.middleware.errors import RegisterErrorsMiddleware

app = FastAPI()
RegisterErrorsMiddleware(app)


@app.get("/health")
def health():
    return {"status": "ok"}
