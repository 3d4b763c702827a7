def haversine(a, b):
    return abs(a - b)
