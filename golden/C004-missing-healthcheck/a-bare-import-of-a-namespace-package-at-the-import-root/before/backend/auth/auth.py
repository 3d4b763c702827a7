def check(token):
    return token == "ok"
