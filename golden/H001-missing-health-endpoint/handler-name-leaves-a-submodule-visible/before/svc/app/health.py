def database_ok():
    return True
