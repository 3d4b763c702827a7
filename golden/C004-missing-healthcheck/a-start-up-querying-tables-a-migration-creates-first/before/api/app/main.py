from fastapi import FastAPI
from sqlalchemy import select

from app.db import SessionLocal
from app.models import User

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.on_event("startup")
def seed_admin() -> None:
    db = SessionLocal()
    try:
        if db.execute(select(User).where(User.name == "admin")).first() is None:
            db.add(User(name="admin"))
            db.commit()
    finally:
        db.close()
