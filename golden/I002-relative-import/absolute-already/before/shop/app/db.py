session = None
