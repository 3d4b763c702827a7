from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from app.routes import enrollments

app = FastAPI()

app.include_router(enrollments.router, prefix="/enrollments", tags=["enrollments"])


@app.get("/enrollments", response_class=HTMLResponse)
async def enrollments() -> str:
    return "<h1>Enrollments</h1>"
