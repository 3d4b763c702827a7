POOL = None
