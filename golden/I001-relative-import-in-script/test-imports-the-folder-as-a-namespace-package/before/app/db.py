def get_db():
    return "db"
