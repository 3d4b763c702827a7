from .users import users
from .base import Base
