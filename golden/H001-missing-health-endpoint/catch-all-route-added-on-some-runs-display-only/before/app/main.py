import os

from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()


@app.get("/api/items")
def items():
    return []


# SPA fallback, only when the built frontend is present; must stay last
if os.path.isdir("static"):

    @app.get("/{full_path:path}")
    def spa(full_path: str):
        return FileResponse("static/index.html")
