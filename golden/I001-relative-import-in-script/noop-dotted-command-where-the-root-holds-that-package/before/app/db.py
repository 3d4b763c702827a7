def get_db() -> str:
    return "shared"
