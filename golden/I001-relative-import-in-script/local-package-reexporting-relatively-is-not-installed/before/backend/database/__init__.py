from .session import ROWS, get_db
