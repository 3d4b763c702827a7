from app import models
from .user import current_user
