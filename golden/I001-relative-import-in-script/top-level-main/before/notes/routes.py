from fastapi import APIRouter

from .models import Note

router = APIRouter()


@router.get("/health")
def health():
    return {"status": "ok"}


@router.get("/notes")
def list_notes() -> list[Note]:
    return []
