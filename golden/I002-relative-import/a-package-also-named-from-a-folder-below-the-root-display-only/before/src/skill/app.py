from fastapi import FastAPI

from .settings import PORT

app = FastAPI(title=f"skill on {PORT}")
