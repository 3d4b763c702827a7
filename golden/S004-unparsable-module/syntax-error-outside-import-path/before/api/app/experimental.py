# Not imported anywhere yet: a sketch of the v2 search endpoint.
def search(query)
    return []
