from fastapi import FastAPI, status

from src.auth.api import router as auth_router

app = FastAPI()


@app.get("/healthcheck", include_in_schema=False, status_code=status.HTTP_200_OK)
def healthcheck():
    return {"status": "ok"}


app.include_router(auth_router)
