def ping():
    return "OK"


def list_items():
    return []


ROUTES = [
    ("/health", "GET", ping),
    ("/items", "GET", list_items),
]
