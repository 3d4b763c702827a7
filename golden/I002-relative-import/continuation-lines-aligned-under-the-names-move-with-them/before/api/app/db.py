get_db = 1; engine = 2
