from fastapi import APIRouter

from ..utils.security import authenticate_user, create_access_token, hash_password

router = APIRouter()
