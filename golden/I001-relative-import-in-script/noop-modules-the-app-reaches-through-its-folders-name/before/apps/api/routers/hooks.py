from fastapi import APIRouter

from api.services import mail

router = APIRouter()
