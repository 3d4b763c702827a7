engine = None
