def util():
    return "ok"
