ROWS = [1, 2, 3]


def get_db():
    return "db"
