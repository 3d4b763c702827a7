def get_db() -> str:
    return "db"
